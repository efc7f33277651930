/**
 * Decides whether a failed backend call was never delivered, which is the only case the gateway
 * retries: the connection was refused or never opened, it broke before the request was written, or
 * a draining backend answered 503 with the drain header. Anything else may have been processed.
 * @see docs/backends.md "Safe retry"
 */
import { drainingHeader, drainingStatus } from '@switchboard/protocol';
import type { ResponseHeaders } from '../http1/response-parser.js';

export type UndeliveredReason = 'refused' | 'connect-timeout' | 'reset-before-write' | 'draining';

/** Connection failures: no connection ever existed, so nothing was sent. */
const NO_CONNECTION: Readonly<Record<string, UndeliveredReason>> = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  EADDRNOTAVAIL: 'refused',
  ENOTFOUND: 'refused',
  EAI_AGAIN: 'refused',
};

/**
 * Failures that, when no byte of the request was written (`sent` false on the error, set by the
 * backend client), mean the backend never had it.
 */
const NOT_SENT: Readonly<Record<string, UndeliveredReason>> = {
  ETIMEDOUT: 'connect-timeout',
  timeout: 'connect-timeout',
  closed: 'reset-before-write',
  ECONNRESET: 'reset-before-write',
  EPIPE: 'reset-before-write',
  // Node refused the write: the socket was destroyed or ended before it.
  ERR_STREAM_DESTROYED: 'reset-before-write',
  ERR_STREAM_WRITE_AFTER_END: 'reset-before-write',
  ERR_SOCKET_CLOSED: 'reset-before-write',
  ERR_SOCKET_CLOSED_BEFORE_CONNECTION: 'reset-before-write',
  'pool-closed': 'reset-before-write',
  'behind-drain': 'draining',
};

/** Why this error proves the request was never delivered, or undefined when it may have been. */
export function undeliveredError(error: unknown): UndeliveredReason | undefined {
  const code = codeOf(error);
  if (code === undefined) return undefined;
  const connect = NO_CONNECTION[code];
  if (connect !== undefined) return connect;
  const sent = (error as { sent?: unknown }).sent;
  return sent === false ? NOT_SENT[code] : undefined;
}

/** True for a draining backend's answer: 503 with the drain header. */
export function isDrainingResponse(status: number, headers: ResponseHeaders): boolean {
  return status === drainingStatus && headers[drainingHeader] !== undefined;
}

function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  // A wrapped error keeps the socket's error in `cause`.
  for (let depth = 0; depth < 3 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
