/**
 * Decides whether a failed backend call was never delivered, which is the only case the gateway
 * retries: the connection was refused or never opened, it broke before the request was written, or
 * a draining backend answered 503 with the drain header. Anything else may have been processed.
 * @see docs/backends.md "Safe retry"
 */
import { drainingHeader, drainingStatus } from '@switchboard/protocol';
import type { IncomingHttpHeaders } from 'node:http';
import type { TrackedError } from './delivery.js';

export type UndeliveredReason = 'refused' | 'connect-timeout' | 'reset-before-write' | 'draining';

/** Connection failures: no connection ever existed, so nothing was sent. */
const NO_CONNECTION: Readonly<Record<string, UndeliveredReason>> = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  EADDRNOTAVAIL: 'refused',
  ENOTFOUND: 'refused',
  EAI_AGAIN: 'refused',
  UND_ERR_CONNECT_TIMEOUT: 'connect-timeout',
};

/** Socket failures that, before the request was fully written, mean the backend never had it. */
const BROKEN_SOCKET = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED']);

/** Why this error proves the request was never delivered, or undefined when it may have been. */
export function undeliveredError(error: unknown): UndeliveredReason | undefined {
  const tracked = error as TrackedError | null;
  const code = codeOf(error);
  if (code === undefined) return undefined;
  const connect = NO_CONNECTION[code];
  if (connect !== undefined) return connect;
  if (BROKEN_SOCKET.has(code) && tracked?.delivery?.sent === false) return 'reset-before-write';
  return undefined;
}

/** True for a draining backend's answer: 503 with the drain header. */
export function isDrainingResponse(status: number, headers: IncomingHttpHeaders): boolean {
  return status === drainingStatus && headers[drainingHeader] !== undefined;
}

function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  // undici wraps the socket error of a failed connect in `cause` on some paths.
  for (let depth = 0; depth < 3 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
