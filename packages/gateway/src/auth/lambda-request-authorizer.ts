/**
 * A REQUEST authorizer run as a Lambda module (`handler`, `codeDir`) by the local Lambda runner of
 * packages/gateway/src/lambda, isolated in a worker. `throw 'Unauthorized'` (or
 * `callback('Unauthorized')`, or an Error with that message) is 401; any other failure is 500.
 */
import type { AuthorizerConfig } from '../config/authorizers.js';
import { LambdaInvocationError } from '../lambda/lambda-invocation-error.js';
import type { LambdaFunctionSpec } from '../lambda/lambda-function.js';
import type { LambdaRunner } from '../lambda/lambda-runner.js';
import type { AuthorizerOptions } from './connect-authorizer.js';
import { RequestAuthorizer, UnauthorizedSignal } from './request-authorizer.js';
import type { RequestAuthorizerInput } from './request-authorizer-input.js';

export class LambdaRequestAuthorizer extends RequestAuthorizer {
  readonly #runner: () => LambdaRunner;
  readonly #spec: LambdaFunctionSpec;

  constructor(name: string, config: AuthorizerConfig, options: AuthorizerOptions) {
    super(name, config, options);
    this.#runner = options.lambdaRunner;
    this.#spec = {
      name: `authorizer-${name}`,
      codeDir: config.codeDir,
      handler: config.handler ?? '',
      environment: config.environment,
      timeoutMs: config.timeoutMs,
    };
  }

  protected async call(input: RequestAuthorizerInput): Promise<unknown> {
    try {
      return await this.#runner().invoke(this.#spec, input);
    } catch (error) {
      if (error instanceof LambdaInvocationError && error.errorMessage === 'Unauthorized')
        throw new UnauthorizedSignal('the authorizer answered "Unauthorized"');
      throw error;
    }
  }

  async close(): Promise<void> {
    // The runner is the gateway's, shared with AWS_PROXY functions; the gateway closes it.
  }
}
