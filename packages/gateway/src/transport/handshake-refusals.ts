/**
 * Every way the client listener refuses a WebSocket upgrade before `$connect` answers, and the one
 * place that answers them: the HTTP status and AWS-shaped body, the `x-switchboard-error-code`
 * header naming the reason, a debug log line (never a header value or the query string, which may
 * hold tokens) and, for refusals AWS counts as ClientError, the `switchboard:client:error` event.
 * @see docs/protocol.md "Connecting"
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@switchboard/protocol';
import type { Logger } from 'pino';
import { channels } from '../diagnostics.js';
import { peerIp, refuseHandshake } from './handshake.js';

export interface HandshakeRefusal {
  readonly status: number;
  readonly code: ErrorCode;
  readonly body: Buffer | string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Counted in `switchboard_client_error_total` (refused by a limit or policy, before any integration). */
  readonly clientError?: boolean;
}

const FORBIDDEN = '{"message":"Forbidden"}';
const TOO_MANY_REQUESTS = '{"message":"Too Many Requests"}';
const SERVICE_UNAVAILABLE = '{"message":"Service Unavailable"}';

export const refusals = {
  draining: { status: 503, code: 'SWB_ERR_DRAINING', body: SERVICE_UNAVAILABLE, headers: { 'Retry-After': '1' } },
  fenced: { status: 503, code: 'SWB_ERR_NODE_FENCED', body: SERVICE_UNAVAILABLE, headers: { 'Retry-After': '1' } },
  throttled: { status: 429, code: 'SWB_ERR_THROTTLED', body: TOO_MANY_REQUESTS, clientError: true },
  tooManyConnections: { status: 429, code: 'SWB_ERR_TOO_MANY_CONNECTIONS', body: TOO_MANY_REQUESTS, clientError: true },
  originNotAllowed: { status: 403, code: 'SWB_ERR_ORIGIN_NOT_ALLOWED', body: FORBIDDEN, clientError: true },
  stageNotFound: { status: 403, code: 'SWB_ERR_STAGE_NOT_FOUND', body: FORBIDDEN },
} as const satisfies Record<string, HandshakeRefusal>;

export function badHandshake(problem: string): HandshakeRefusal {
  return { status: 400, code: 'SWB_ERR_BAD_HANDSHAKE', body: JSON.stringify({ message: `Bad WebSocket handshake: ${problem}` }) };
}

export type RefuseHandshake = (request: IncomingMessage, socket: Duplex, refusal: HandshakeRefusal, connectionId?: string) => void;

/** `stageOf` names the stage an upgrade asks for (undefined for an unknown one), for the metric's label. */
export function handshakeRefuser(logger: Logger, stageOf: (request: IncomingMessage) => string | undefined): RefuseHandshake {
  return (request, socket, refusal, connectionId) => {
    if (logger.isLevelEnabled('debug')) {
      logger.debug({ code: refusal.code, status: refusal.status, sourceIp: peerIp(request.socket.remoteAddress), ...(connectionId === undefined ? {} : { connectionId }) }, 'WebSocket upgrade refused');
    }
    if (refusal.clientError === true && channels.clientError.hasSubscribers) {
      const stage = stageOf(request);
      if (stage !== undefined) channels.clientError.publish({ stage, code: refusal.code });
    }
    refuseHandshake(socket, refusal.status, refusal.code, refusal.body, refusal.contentType, refusal.headers);
  };
}
