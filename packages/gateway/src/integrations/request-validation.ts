/**
 * Route request validation (ModelSelectionExpression + RequestModels): a message is checked
 * against its model, a JSON Schema draft 4, before the integration is called. A failure rejects
 * with SWB_ERR_BAD_REQUEST_BODY, which the dispatcher turns into AWS's "Bad request body" frame.
 * @see docs/templates.md "Request validation"
 */
import type { Ajv } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import type { ModelConfig } from '../config/models.js';
import { GatewayError } from '../errors.js';
import { NOT_JSON } from '../routing/router.js';
import { compileRouteSelection, type RouteSelector } from '../routing/route-selection.js';
import type { Integration, IntegrationEvent, IntegrationResponse } from './integration-event.js';

type Validate = ((data: unknown) => boolean) & {
  errors?: readonly { instancePath: string; message?: string }[] | null;
};

/** Compiles models once; shared by every route. */
export class ModelValidators {
  readonly #ajv: { compile(schema: object): Validate };
  readonly #models: Readonly<Record<string, ModelConfig>>;
  readonly #compiled = new Map<string, Validate>();

  constructor(models: Readonly<Record<string, ModelConfig>>) {
    // ajv-draft-04 is CommonJS: its class is the default export, or the module itself.
    const Draft04 = ((AjvDraft04 as unknown as { default?: typeof Ajv }).default ??
      AjvDraft04) as unknown as typeof Ajv;
    this.#ajv = new Draft04({ allErrors: false, strict: false });
    this.#models = models;
  }

  /** The validator of model `name`; throws SWB_ERR_CONFIG_INVALID for an unknown model or a bad schema. */
  get(name: string): Validate {
    let validate = this.#compiled.get(name);
    if (validate === undefined) {
      const model = this.#models[name];
      if (model === undefined)
        throw new GatewayError('SWB_ERR_CONFIG_INVALID', `request model "${name}" is not in models`);
      try {
        const schema = JSON.parse(model.schema) as Record<string, unknown>;
        delete schema['$schema'];
        validate = this.#ajv.compile(schema);
      } catch (error) {
        throw new GatewayError('SWB_ERR_CONFIG_INVALID', `model "${name}": ${(error as Error).message}`, {
          cause: error,
        });
      }
      this.#compiled.set(name, validate);
    }
    return validate;
  }
}

/** Wraps a route's integration so that messages are validated first. */
export class ValidatedIntegration implements Integration {
  readonly #inner: Integration;
  readonly #selector: RouteSelector;
  readonly #validators: Map<string, Validate>;

  constructor(
    inner: Integration,
    modelSelectionExpression: string,
    requestModels: Readonly<Record<string, string>>,
    models: ModelValidators,
  ) {
    this.#inner = inner;
    this.#selector = compileRouteSelection(modelSelectionExpression);
    this.#validators = new Map(Object.entries(requestModels).map(([key, model]) => [key, models.get(model)]));
  }

  invoke(event: IntegrationEvent, wantBody: boolean): Promise<IntegrationResponse> {
    if (event.eventType === 'MESSAGE') {
      const problem = this.#problem(event);
      if (problem !== undefined)
        return Promise.reject(
          new GatewayError(
            'SWB_ERR_BAD_REQUEST_BODY',
            `message ${event.messageId ?? ''} failed validation: ${problem}`,
          ),
        );
    }
    return this.#inner.invoke(event, wantBody);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** Why the message fails its model, or undefined when it passes (or has no model). */
  #problem(event: IntegrationEvent): string | undefined {
    let body: unknown = event.parsedBody;
    if (body === undefined) {
      try {
        body =
          event.body === undefined || event.binary === true
            ? NOT_JSON
            : (JSON.parse(event.body.toString()) as unknown);
      } catch {
        body = NOT_JSON;
      }
    }
    const key = this.#selector.readsBody && body === NOT_JSON ? '$default' : (this.#selector.evaluate(body) ?? '$default');
    const validate = this.#validators.get(key) ?? this.#validators.get('$default');
    if (validate === undefined) return undefined;
    if (body === NOT_JSON) return 'the body is not JSON';
    if (validate(body)) return undefined;
    const first = validate.errors?.[0];
    return first === undefined
      ? 'invalid'
      : `${first.instancePath === '' ? '(root)' : first.instancePath} ${first.message ?? 'is invalid'}`;
  }
}
