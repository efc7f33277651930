/**
 * Switchboard's JWT authorizer (beyond AWS, for browsers that cannot set headers): the token comes
 * from the query string (`?token=`), from an offered `Sec-WebSocket-Protocol` entry `bearer.<token>`,
 * or from `Authorization: Bearer`. It is verified with `jose` against a JWKS URL or a static key,
 * with issuer and audience checks. No token → 401; an invalid one → 401; a JWKS that cannot be
 * fetched → 500. The claims become the authorizer context, `sub` the principalId.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  createRemoteJWKSet,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import type { AuthorizerConfig } from '../config/authorizers.js';
import { GatewayError } from '../errors.js';
import type { IntegrationEvent } from '../integrations/integration-event.js';
import type { AuthorizerContextValue } from './authorizer-context.js';
import { failed } from './authorizer-output.js';
import type { AuthorizeOutcome, ConnectAuthorizer } from './connect-authorizer.js';

/** jose error codes that mean "this token is not acceptable" (401) rather than "we could not check" (500). */
const REJECTED_TOKEN = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWS_INVALID',
  'ERR_JWT_INVALID',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

/** Where a token was found, and for a protocol token the offered entry that carried it. */
interface FoundToken {
  readonly token: string;
  readonly protocolEntry?: string;
}

export class JwtAuthorizer implements ConnectAuthorizer {
  readonly #name: string;
  readonly #config: AuthorizerConfig;
  readonly #key: KeyObject | Uint8Array | JWTVerifyGetKey;
  readonly #verifyOptions: JWTVerifyOptions;

  constructor(name: string, config: AuthorizerConfig) {
    this.#name = name;
    this.#config = config;
    if (config.jwksUri !== undefined)
      this.#key = createRemoteJWKSet(new URL(config.jwksUri), { timeoutDuration: 5_000 });
    else if (config.publicKey !== undefined) this.#key = publicKeyOf(name, config.publicKey);
    else this.#key = new TextEncoder().encode(config.secret ?? '');
    this.#verifyOptions = {
      ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
      ...(config.audience.length === 0 ? {} : { audience: config.audience }),
      ...(config.algorithms.length === 0 ? {} : { algorithms: config.algorithms }),
      clockTolerance: config.clockToleranceSec,
    };
  }

  async authorize(event: IntegrationEvent): Promise<AuthorizeOutcome> {
    const found = this.#findToken(event);
    if (found === undefined)
      return {
        allowed: false,
        status: 401,
        code: 'SWB_ERR_UNAUTHORIZED',
        reason: 'no token in the query string, Sec-WebSocket-Protocol or Authorization header',
      };
    const started = performance.now();
    let payload: JWTPayload;
    try {
      // jose's overloads take a key or a key getter; the union is narrowed by the overload it calls.
      payload =
        typeof this.#key === 'function'
          ? (await jwtVerify(found.token, this.#key, this.#verifyOptions)).payload
          : (await jwtVerify(found.token, this.#key, this.#verifyOptions)).payload;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && REJECTED_TOKEN.has(code))
        return {
          allowed: false,
          status: 401,
          code: 'SWB_ERR_UNAUTHORIZED',
          reason: `invalid token: ${(error as Error).message}`,
        };
      return failed(`authorizer "${this.#name}" could not verify the token: ${(error as Error).message}`);
    }
    const context: Record<string, AuthorizerContextValue> = {};
    for (const [claim, value] of Object.entries(payload)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        context[claim] = value;
      else if (value !== undefined && value !== null) context[claim] = JSON.stringify(value);
    }
    const outcome: AuthorizeOutcome = {
      allowed: true,
      authorizer: {
        principalId: payload.sub ?? '',
        integrationLatency: Math.round(performance.now() - started),
        context,
      },
    };
    return found.protocolEntry === undefined
      ? outcome
      : { ...outcome, protocol: echoedProtocol(event, found.protocolEntry) };
  }

  #findToken(event: IntegrationEvent): FoundToken | undefined {
    const { queryParameter, protocolPrefix } = this.#config;
    if (queryParameter !== '') {
      const token = new URLSearchParams(event.handshake.rawQuery).get(queryParameter);
      if (token !== null && token !== '') return { token };
    }
    if (protocolPrefix !== '') {
      const entry = offeredProtocols(event).find(
        (name) => name.startsWith(protocolPrefix) && name.length > protocolPrefix.length,
      );
      if (entry !== undefined) return { token: entry.slice(protocolPrefix.length), protocolEntry: entry };
    }
    const authorization = event.handshake.headers.authorization;
    if (typeof authorization === 'string' && /^bearer /i.test(authorization))
      return { token: authorization.slice(7).trim() };
    return undefined;
  }

  async close(): Promise<void> {
    // The JWKS cache holds no sockets.
  }
}

function publicKeyOf(name: string, pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (error) {
    throw new GatewayError(
      'SWB_ERR_CONFIG_INVALID',
      `authorizers.${name}.publicKey: not a PEM public key (${(error as Error).message})`,
      { cause: error },
    );
  }
}

function offeredProtocols(event: IntegrationEvent): string[] {
  const header = event.handshake.headers['sec-websocket-protocol'];
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * The protocol echoed in the 101 when the token came in Sec-WebSocket-Protocol: the first other
 * offered protocol, so the token is not echoed; only when the token entry is the sole offer is it
 * echoed (a browser aborts when it offered protocols and none is echoed).
 */
function echoedProtocol(event: IntegrationEvent, tokenEntry: string): string {
  return offeredProtocols(event).find((name) => name !== tokenEntry) ?? tokenEntry;
}
