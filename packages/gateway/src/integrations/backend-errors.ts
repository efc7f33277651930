/**
 * Turns what the backend client (http1/) or undici (authorizers) throws into the gateway's three
 * backend failures: unreachable (nothing was answered: refused, reset, DNS), timeout (no answer
 * within the integration timeout) and bad response (an answer the gateway cannot use).
 */
import { GatewayError } from '../errors.js';
import { atUpstream, failedUpstreamOf, urlAt } from './upstreams/failed-upstream.js';

const TIMEOUT_CODES = new Set(['timeout', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const BAD_RESPONSE_CODES = new Set(['bad-response', 'too-large', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_EXCEEDED_MAX_SIZE']);

/**
 * `fullUrl` is the integration's URL for this call; when the upstream set noted the replica the
 * call failed at (failed-upstream.ts), the message names that replica instead, and the error keeps
 * it as `upstream` (a field of the logged error).
 */
export function classifyBackendError(error: unknown, fullUrl: string, timeoutMs: number): GatewayError {
  if (error instanceof GatewayError) return error;
  const upstream = failedUpstreamOf(error);
  const failure = classify(error, withoutQuery(urlAt(fullUrl, upstream)), timeoutMs);
  return upstream === undefined ? failure : atUpstream(failure, upstream);
}

function classify(error: unknown, url: string, timeoutMs: number): GatewayError {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return new GatewayError('SWB_ERR_BACKEND_TIMEOUT', `backend ${url} did not answer within ${timeoutMs} ms`, { cause: error });
  }
  if ((typeof code === 'string' && (BAD_RESPONSE_CODES.has(code) || code.startsWith('HPE_'))) || (error as Error | null)?.name === 'HTTPParserError') {
    const detail = code === 'too-large' || code === 'bad-response' ? `: ${(error as Error).message}` : '';
    return new GatewayError('SWB_ERR_BACKEND_BAD_RESPONSE', `backend ${url} sent an invalid HTTP response${detail}`, { cause: error });
  }
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  return new GatewayError('SWB_ERR_BACKEND_UNREACHABLE', `backend ${url} could not be reached (${reason})`, { cause: error });
}

/**
 * The URL without its query string, for messages that reach logs: a `$connect` forwards the client's
 * query, which may carry a token (`?token=…`), and secrets are never logged (docs/security.md).
 */
export function withoutQuery(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : `${url.slice(0, query)}?…`;
}
