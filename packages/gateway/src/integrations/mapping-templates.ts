/**
 * Request templates and integration responses of non-proxy integrations (HTTP, MOCK), compiled
 * once: template selection (`TemplateSelectionExpression`), rendering with `$context`, `$input`,
 * `$util` and `$stageVariables`, and the choice of integration response by status code
 * (`$default` or `/regex/`) with its response templates.
 * @see docs/templates.md
 */
import type { IntegrationConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { NOT_JSON } from '../routing/router.js';
import { compileRouteSelection, type RouteSelector } from '../routing/route-selection.js';
import { contextVariable, inputVariable, utilVariable } from '../templates/vtl/api-gateway-variables.js';
import { VtlTemplate } from '../templates/vtl/vtl-render.js';
import type { ApiIdentity, IntegrationEvent } from './integration-event.js';

const DEFAULT_KEY = '$default';
/** AWS's limit on one mapping template. */
const MAX_TEMPLATE_BYTES = 300 * 1024;

/** Compiles templates by key; a syntax error is SWB_ERR_MAPPING_TEMPLATE naming `where` and the key. */
function compileTemplates(
  templates: Readonly<Record<string, string>>,
  where: string,
): Map<string, VtlTemplate> {
  const compiled = new Map<string, VtlTemplate>();
  for (const [key, source] of Object.entries(templates)) {
    if (Buffer.byteLength(source) > MAX_TEMPLATE_BYTES)
      throw new GatewayError(
        'SWB_ERR_MAPPING_TEMPLATE',
        `${where} template "${key}" is larger than 300 KB, AWS's limit for a mapping template`,
      );
    try {
      compiled.set(key, new VtlTemplate(source));
    } catch (error) {
      throw new GatewayError(
        'SWB_ERR_MAPPING_TEMPLATE',
        `${where} template "${key}": ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return compiled;
}

interface CompiledResponse {
  readonly key: string;
  readonly pattern: RegExp | undefined;
  readonly templates: Map<string, VtlTemplate>;
  readonly selection: string | undefined;
}

export class MappingTemplates {
  readonly #name: string;
  readonly #api: ApiIdentity;
  readonly #stageVariables: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly #requestTemplates: Map<string, VtlTemplate>;
  readonly #selector: RouteSelector;
  readonly #responses: CompiledResponse[];

  /** Throws SWB_ERR_MAPPING_TEMPLATE when a template or key does not compile. */
  constructor(
    name: string,
    config: IntegrationConfig,
    api: ApiIdentity,
    stageVariables: Readonly<Record<string, Readonly<Record<string, string>>>>,
  ) {
    this.#name = name;
    this.#api = api;
    this.#stageVariables = stageVariables;
    this.#requestTemplates = compileTemplates(config.requestTemplates, `integration ${name}: request`);
    try {
      this.#selector = compileRouteSelection(config.templateSelectionExpression);
    } catch (error) {
      throw new GatewayError(
        'SWB_ERR_MAPPING_TEMPLATE',
        `integration ${name}: templateSelectionExpression: ${(error as Error).message}`,
        { cause: error },
      );
    }
    this.#responses = Object.entries(config.integrationResponses).map(([key, response]) => {
      const regex = /^\/(.*)\/$/.exec(key);
      let pattern: RegExp | undefined;
      if (regex !== null) {
        try {
          pattern = new RegExp(`^(?:${regex[1] ?? ''})$`);
        } catch (error) {
          throw new GatewayError(
            'SWB_ERR_MAPPING_TEMPLATE',
            `integration ${name}: integration response key ${key} is not a valid regex`,
            { cause: error },
          );
        }
      } else if (key !== DEFAULT_KEY) {
        pattern = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      }
      return {
        key,
        pattern,
        templates: compileTemplates(response.templates, `integration ${name}: response ${key}`),
        selection: response.templateSelectionExpression,
      };
    });
  }

  /** True when there are request templates at all. */
  get hasRequestTemplates(): boolean {
    return this.#requestTemplates.size > 0;
  }

  /** The request template for this event: by the selection expression, else `$default`; undefined when none. */
  selectRequestTemplate(event: IntegrationEvent): VtlTemplate | undefined {
    let body: unknown = event.parsedBody;
    if (this.#selector.readsBody && body === undefined && event.body !== undefined) {
      try {
        body = JSON.parse(event.body.toString());
      } catch {
        body = NOT_JSON;
      }
    }
    const key =
      this.#selector.readsBody && (body === NOT_JSON || body === undefined)
        ? DEFAULT_KEY
        : (this.#selector.evaluate(body) ?? DEFAULT_KEY);
    return this.#requestTemplates.get(key) ?? this.#requestTemplates.get(DEFAULT_KEY);
  }

  /** Renders `template` over `body` for `event`; a render error is SWB_ERR_MAPPING_TEMPLATE. */
  render(template: VtlTemplate, body: string, event: IntegrationEvent): string {
    try {
      return template.render({
        context: contextVariable(event, this.#api),
        input: inputVariable(body, event),
        util: utilVariable,
        stageVariables: { ...this.#stageVariables[event.stage] },
      });
    } catch (error) {
      throw new GatewayError(
        'SWB_ERR_MAPPING_TEMPLATE',
        `integration ${this.#name}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /**
   * The reply body after integration responses: the first `/regex/` key matching the status, else
   * `$default`; its template chosen by its selection expression, else `$default`. Without a matching
   * response or template, the body passes through unchanged.
   */
  respond(
    status: number,
    headers: Readonly<Record<string, string | string[] | undefined>>,
    body: string,
    event: IntegrationEvent,
  ): string {
    const statusText = String(status);
    const response =
      this.#responses.find((candidate) => candidate.pattern?.test(statusText) === true) ??
      this.#responses.find((candidate) => candidate.key === DEFAULT_KEY);
    if (response === undefined) return body;
    const key =
      response.selection === undefined
        ? DEFAULT_KEY
        : evaluateResponseSelection(response.selection, status, headers);
    const template = response.templates.get(key) ?? response.templates.get(DEFAULT_KEY);
    return template === undefined ? body : this.render(template, body, event);
  }
}

/** `${integration.response.statuscode}`, `${integration.response.header.X}`, `\$default` and literals. */
function evaluateResponseSelection(
  expression: string,
  status: number,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string {
  return expression
    .replace(/\$\{?integration\.response\.statuscode\}?/g, String(status))
    .replace(/\$\{?integration\.response\.(?:multivalue)?header\.([A-Za-z0-9-]+)\}?/g, (_, name: string) => {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(',') : (value ?? '');
    })
    .replaceAll('\\$', '$');
}
