/**
 * What every REQUEST authorizer does, whatever runs it: check the identity sources (401 when one is
 * missing, without calling), build the AWS input, call, and read the result. Subclasses only call.
 */
import type { AuthorizerConfig } from '../config/authorizers.js';
import type { IntegrationEvent } from '../integrations/integration-event.js';
import { failed, readAuthorizerOutput } from './authorizer-output.js';
import type { AuthorizeOutcome, AuthorizerOptions, ConnectAuthorizer } from './connect-authorizer.js';
import { compileIdentitySource, missingIdentity, type IdentityReader } from './identity-sources.js';
import { requestAuthorizerInput, type RequestAuthorizerInput } from './request-authorizer-input.js';

/** Thrown by `call` when the authorizer said "Unauthorized" in its own way (a 401, an `Unauthorized` error). */
export class UnauthorizedSignal extends Error {
  override readonly name = 'UnauthorizedSignal';
}

const EMPTY: Readonly<Record<string, string>> = {};

export abstract class RequestAuthorizer implements ConnectAuthorizer {
  protected readonly name: string;
  protected readonly config: AuthorizerConfig;
  readonly #options: AuthorizerOptions;
  readonly #sources: { readonly source: string; readonly read: IdentityReader }[];

  constructor(name: string, config: AuthorizerConfig, options: AuthorizerOptions) {
    this.name = name;
    this.config = config;
    this.#options = options;
    this.#sources = config.identitySource.map((source) => ({ source, read: compileIdentitySource(source) }));
  }

  /** Calls the authorizer; resolves with its parsed result, rejects with UnauthorizedSignal or any error (→ 500). */
  protected abstract call(input: RequestAuthorizerInput): Promise<unknown>;

  abstract close(): Promise<void>;

  async authorize(event: IntegrationEvent): Promise<AuthorizeOutcome> {
    const stageVariables = this.#options.stageVariables[event.stage] ?? EMPTY;
    const missing = missingIdentity(this.#sources, event, this.#options.api, stageVariables);
    if (missing !== undefined)
      return {
        allowed: false,
        status: 401,
        code: 'SWB_ERR_UNAUTHORIZED',
        reason: `identity source ${missing} is missing`,
      };
    const input = requestAuthorizerInput(event, this.#options.api, stageVariables);
    const started = performance.now();
    let output: unknown;
    try {
      output = await this.call(input);
    } catch (error) {
      if (error instanceof UnauthorizedSignal)
        return { allowed: false, status: 401, code: 'SWB_ERR_UNAUTHORIZED', reason: error.message };
      return failed(`authorizer "${this.name}" failed: ${(error as Error).message}`);
    }
    return readAuthorizerOutput(output, input.methodArn, performance.now() - started);
  }
}
