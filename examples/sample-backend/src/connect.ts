/**
 * `POST /connect` ($connect): accept with 200, or answer `?reject=<status>` to show a refused
 * handshake; echo the first offered subprotocol, which API Gateway copies into the 101.
 */
import { contextHeaders } from '@switchboard/protocol';
import { connectionIdOf, headerValue, type BackendEvent } from './backend-event.js';
import type { Logger } from './logger.js';
import { errorReply, type Reply } from './reply.js';

/** The status `?reject=` asks for: an integer from 200 to 599, else `'invalid'`; undefined when absent. */
export function rejectStatusOf(value: string | null): number | 'invalid' | undefined {
  if (value === null) return undefined;
  if (!/^\d{3}$/.test(value)) return 'invalid';
  const status = Number(value);
  return status >= 200 && status <= 599 ? status : 'invalid';
}

/** The first protocol of a `Sec-WebSocket-Protocol: chat1, chat2` offer. */
export function firstSubprotocol(offer: string | undefined): string | undefined {
  if (offer === undefined) return undefined;
  for (const candidate of offer.split(',')) {
    const protocol = candidate.trim();
    if (protocol !== '') return protocol;
  }
  return undefined;
}

export function handleConnect(event: BackendEvent, logger: Logger): Reply {
  const connectionId = connectionIdOf(event.headers);
  const reject = rejectStatusOf(event.query.get('reject'));
  if (reject === 'invalid') {
    logger.info(
      { connectionId, reject: event.query.get('reject') },
      'connect rejected: invalid reject status',
    );
    return errorReply(400, 'reject must be an HTTP status from 200 to 599');
  }
  if (reject !== undefined && (reject < 200 || reject > 299)) {
    logger.info({ connectionId, status: reject }, 'connect rejected on request');
    return errorReply(reject, `rejected by the sample backend (reject=${reject})`);
  }
  const protocol = firstSubprotocol(headerValue(event.headers, 'sec-websocket-protocol'));
  logger.info(
    {
      connectionId,
      stage: headerValue(event.headers, contextHeaders.stage),
      query: event.query.toString(),
      protocol,
    },
    'connect',
  );
  return {
    status: reject ?? 200,
    headers: protocol === undefined ? {} : { 'sec-websocket-protocol': protocol },
  };
}
