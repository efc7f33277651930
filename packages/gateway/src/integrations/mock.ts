/**
 * The MOCK integration: nothing is called. The request template must produce
 * `{"statusCode": N}`; that status selects the integration response, whose template gives the
 * reply of a two-way route (e.g. a `$default` "unknown action" responder).
 * @see docs/templates.md
 */
import { GatewayError } from '../errors.js';
import type { Integration, IntegrationEvent, IntegrationResponse } from './integration-event.js';
import type { MappingTemplates } from './mapping-templates.js';

export class MockIntegration implements Integration {
  readonly #name: string;
  readonly #templates: MappingTemplates;

  constructor(name: string, templates: MappingTemplates) {
    this.#name = name;
    this.#templates = templates;
  }

  invoke(event: IntegrationEvent): Promise<IntegrationResponse> {
    return Promise.resolve().then(() => {
      const raw = event.body?.toString() ?? '';
      const template = this.#templates.selectRequestTemplate(event);
      // Without a request template AWS answers 200, as if {"statusCode": 200} had been written.
      const rendered =
        template === undefined ? '{"statusCode": 200}' : this.#templates.render(template, raw, event);
      let status: unknown;
      try {
        status = (JSON.parse(rendered) as { statusCode?: unknown }).statusCode;
      } catch (error) {
        throw new GatewayError(
          'SWB_ERR_MAPPING_TEMPLATE',
          `MOCK integration ${this.#name}: the request template must produce {"statusCode": N}, not ${rendered.slice(0, 80)}`,
          { cause: error },
        );
      }
      const code = typeof status === 'string' ? Number(status) : status;
      if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599) {
        throw new GatewayError(
          'SWB_ERR_MAPPING_TEMPLATE',
          `MOCK integration ${this.#name}: the request template must produce {"statusCode": N}, not ${rendered.slice(0, 80)}`,
        );
      }
      // There is no backend body: response templates see an empty `$input.body`.
      const reply = this.#templates.respond(code, {}, '', event);
      return { status: code, headers: {}, body: Buffer.from(reply) };
    });
  }

  async close(): Promise<void> {
    // Nothing is held.
  }
}
