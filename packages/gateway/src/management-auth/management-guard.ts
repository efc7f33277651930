/**
 * The `authenticate` AdminGuard of the management API, by `admin.auth.mode`: `bearer` tokens,
 * `any-signature` (a well-formed, in-date SigV4 header) or `verify` (SigV4 checked against the
 * access-key table, the body hashed by the gateway). Requests without a body are decided
 * synchronously; with one, the body (at most 128 KB) is read once, hashed, and handed to the route.
 * Failures answer 403 `{"message":"Forbidden"}` with `x-amzn-ErrorType: ForbiddenException`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ManagementAuthConfig } from '../config/management-auth.js';
import type { AdminGuard } from '../management/admin-server.js';
import { readBoundedBody, sendPayloadTooLarge } from '../management/request-body.js';
import { setPrereadBody } from '../management/preread-body.js';
import { sendError } from '../management/responses.js';
import {
  canonicalRequest,
  expectedSignature,
  parseAmzDate,
  parseSigV4Authorization,
  sha256Hex,
  signaturesMatch,
  type SigV4Authorization,
} from './sigv4.js';

const EMPTY_HASH = sha256Hex('');
const SERVICE = 'execute-api';

export interface ManagementGuardOptions {
  readonly logger: Logger;
  /** The clock, for tests. @default Date.now */
  readonly now?: () => number;
}

/** The guard for `config`, or undefined when `mode` is `off`. */
export function createManagementGuard(
  config: ManagementAuthConfig,
  options: ManagementGuardOptions,
): AdminGuard | undefined {
  const now = options.now ?? Date.now;
  const forbid = (response: ServerResponse, reason: string): false => {
    options.logger.info({ code: 'SWB_ERR_MANAGEMENT_AUTH', reason }, 'management API request refused');
    sendError(response, 403, 'ForbiddenException', 'SWB_ERR_MANAGEMENT_AUTH', 'Forbidden');
    return false;
  };

  switch (config.mode) {
    case 'off':
      return undefined;
    case 'bearer': {
      const tokens = config.bearerTokens.map((token) => Buffer.from(token));
      return (request, response) => {
        const header = request.headers.authorization ?? '';
        const given = /^bearer /i.test(header) ? Buffer.from(header.slice(7).trim()) : undefined;
        if (given === undefined) return forbid(response, 'no bearer token');
        return tokens.some((token) => token.length === given.length && timingSafeEqual(token, given))
          ? true
          : forbid(response, 'unknown bearer token');
      };
    }
    case 'any-signature':
    case 'verify':
      return (request, response, url) => {
        const checked = checkSignatureForm(request, config, now());
        if (typeof checked === 'string') return forbid(response, checked);
        if (config.mode === 'any-signature') return true;
        const secret = Object.hasOwn(config.accessKeys, checked.accessKeyId)
          ? config.accessKeys[checked.accessKeyId]
          : undefined;
        if (secret === undefined) return forbid(response, `unknown access key ${checked.accessKeyId}`);
        const verify = (payloadHash: string): boolean => {
          const claimed = request.headers['x-amz-content-sha256'];
          if (claimed !== undefined && claimed !== payloadHash)
            return forbid(response, 'x-amz-content-sha256 does not match the body');
          const canonical = canonicalRequest({
            method: request.method ?? '',
            rawPath: url.path,
            rawQuery: url.query,
            headers: request.headers,
            signedHeaders: checked.signedHeaders,
            payloadHash,
          });
          if (canonical === undefined) return forbid(response, 'a signed header is missing');
          const expected = expectedSignature(
            secret,
            checked,
            String(request.headers['x-amz-date']),
            canonical,
          );
          return signaturesMatch(expected, checked.signature)
            ? true
            : forbid(response, 'the signature does not match');
        };
        if (!hasBody(request)) return verify(EMPTY_HASH);
        return readBoundedBody(request).then((body) => {
          if (body === undefined) {
            sendPayloadTooLarge(response);
            return false;
          }
          if (!verify(sha256Hex(body))) return false;
          setPrereadBody(request, body);
          return true;
        });
      };
  }
}

/** The parsed Authorization header when its form, scope and date are acceptable; else why not. */
function checkSignatureForm(
  request: IncomingMessage,
  config: ManagementAuthConfig,
  nowMs: number,
): SigV4Authorization | string {
  const auth = parseSigV4Authorization(request.headers.authorization);
  if (auth === undefined) return 'no SigV4 Authorization header';
  if (auth.service !== SERVICE) return `the credential scope names service ${auth.service}, not ${SERVICE}`;
  if (config.region !== undefined && auth.region !== config.region)
    return `the credential scope names region ${auth.region}`;
  if (!auth.signedHeaders.includes('host') || !auth.signedHeaders.includes('x-amz-date'))
    return 'host and x-amz-date must be signed';
  const amzDate = request.headers['x-amz-date'];
  const signedAt = parseAmzDate(typeof amzDate === 'string' ? amzDate : undefined);
  if (signedAt === undefined) return 'x-amz-date is missing or malformed';
  if (typeof amzDate === 'string' && !amzDate.startsWith(auth.date))
    return 'the credential scope date is not the x-amz-date day';
  if (Math.abs(nowMs - signedAt) > config.clockSkewMs) return 'x-amz-date is outside the allowed clock skew';
  return auth;
}

function hasBody(request: IncomingMessage): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && length !== '0';
}

