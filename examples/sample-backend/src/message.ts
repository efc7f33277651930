/**
 * `POST /message` ($default, a two-way route): echo the client's frame. The body is the raw frame,
 * and the gateway sends the response body back to the client as one frame.
 */
import { contextHeaders } from '@switchboard/protocol';
import { connectionIdOf, headerValue, type BackendEvent } from './backend-event.js';
import type { Logger } from './logger.js';
import type { Reply } from './reply.js';

export function handleMessage(event: BackendEvent, logger: Logger): Reply {
  const binary = headerValue(event.headers, contextHeaders.binary) !== undefined;
  logger.debug({ connectionId: connectionIdOf(event.headers), bytes: event.body.length, binary }, 'message');
  return {
    status: 200,
    headers: { 'content-type': binary ? 'application/octet-stream' : 'text/plain; charset=utf-8' },
    body: event.body,
  };
}
