/**
 * The `$connect` authorizer contract and its factory: the route's configured authorizer (HTTP or
 * Lambda REQUEST, or JWT) decides on a pending connection before the `$connect` integration runs.
 * @see docs/aws-compatibility.md "$connect authorization"
 */
import type { LambdaRunner } from '../lambda/lambda-runner.js';
import type { ErrorCode } from '@switchboard/protocol';
import type { AuthorizerConfig } from '../config/authorizers.js';
import type { Config } from '../config/schema.js';
import type { ApiIdentity, IntegrationEvent } from '../integrations/integration-event.js';
import type { AuthorizerContext } from './authorizer-context.js';
import { HttpRequestAuthorizer } from './http-request-authorizer.js';
import { IamAuthorizer } from './iam-authorizer.js';
import { JwtAuthorizer } from './jwt-authorizer.js';
import { LambdaRequestAuthorizer } from './lambda-request-authorizer.js';

export type AuthorizeOutcome =
  | {
      readonly allowed: true;
      /** The context for `Connection.authorizer`; absent for AWS_IAM, which has no authorizer context. */
      readonly authorizer?: AuthorizerContext;
      /** The subprotocol to echo when the `$connect` integration picks none (JWT in Sec-WebSocket-Protocol). */
      readonly protocol?: string;
    }
  | {
      readonly allowed: false;
      readonly status: 401 | 403 | 500;
      readonly code: ErrorCode;
      readonly reason: string;
    };

export interface ConnectAuthorizer {
  /** Decides on a pending `$connect` (an IntegrationEvent of type CONNECT). Never rejects. */
  authorize(event: IntegrationEvent): Promise<AuthorizeOutcome>;
  close(): Promise<void>;
}

export interface AuthorizerOptions {
  readonly api: ApiIdentity;
  readonly stageVariables: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The gateway's shared Lambda runner (made on first use), for Lambda authorizers. Its owner closes it. */
  readonly lambdaRunner: () => LambdaRunner;
}

/** The authorizer for `config`. */
export function createConnectAuthorizer(
  name: string,
  config: AuthorizerConfig,
  options: AuthorizerOptions,
): ConnectAuthorizer {
  if (config.type === 'JWT') return new JwtAuthorizer(name, config);
  if (config.uri !== undefined) return new HttpRequestAuthorizer(name, config, config.uri, options);
  return new LambdaRequestAuthorizer(name, config, options);
}

/** The authorizer of the `$connect` route in `config`, or undefined when the route has none. */
export function connectAuthorizerFor(
  config: Config,
  options: AuthorizerOptions,
): ConnectAuthorizer | undefined {
  if (config.routes.$connect?.authorizationType === 'AWS_IAM') {
    const { accessKeys, clockSkewMs, region } = config.admin.auth;
    return new IamAuthorizer({ accessKeys, clockSkewMs, region });
  }
  const name = config.routes.$connect?.authorizer;
  if (name === undefined) return undefined;
  const authorizer = config.authorizers[name];
  return authorizer === undefined ? undefined : createConnectAuthorizer(name, authorizer, options);
}
