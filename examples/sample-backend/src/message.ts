/**
 * `POST /message` ($default, a two-way route): echo the client's frame with the connection's
 * message count from the session store: `hello` → `hello [#1]`, then `hello [#2]`. Binary frames,
 * and requests without a connection id (called directly, not through a gateway), come back byte for byte. The body is the raw frame; the gateway sends the response body back to
 * the client as one frame. An `x-sample-delay-ms` header delays the answer (answer-delay.ts).
 */
import { isUtf8 } from 'node:buffer';
import { setTimeout as sleep } from 'node:timers/promises';
import { contextHeaders } from '@switchboard/protocol';
import { answerDelayOf } from './answer-delay.js';
import { connectionIdOf, headerValue, type BackendEvent } from './backend-event.js';
import type { Logger } from './logger.js';
import { errorReply, jsonReply, type Reply } from './reply.js';
import type { Sessions } from './sessions.js';

export async function handleMessage(event: BackendEvent, sessions: Sessions, logger: Logger): Promise<Reply> {
  const binary = headerValue(event.headers, contextHeaders.binary) !== undefined;
  const connectionId = connectionIdOf(event.headers);
  logger.debug({ connectionId, bytes: event.body.length, binary }, 'message');
  // A slow backend on request (x-sample-delay-ms): the wait comes before any work.
  const delay = answerDelayOf(event.headers);
  if (!delay.ok) return errorReply(400, delay.message);
  if (delay.delayMs > 0) {
    logger.info({ connectionId, delayMs: delay.delayMs }, 'message: answering after a delay');
    await sleep(delay.delayMs);
  }
  if (binary)
    return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: event.body };
  // Called directly, without a gateway's connection id: a plain echo, with no session.
  if (connectionId === undefined)
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: event.body };
  let count: number;
  try {
    count = await sessions.countMessage(connectionId);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    logger.error({ connectionId, err: error }, 'session store failed');
    // No drain header: the gateway must not resend this, and the client sees the reason as a frame.
    return jsonReply(503, {
      message: `session store unavailable: ${(error as Error).message}`,
      code: typeof code === 'string' ? code : 'SWB_ERR_SESSION_STORE_UNAVAILABLE',
    });
  }
  const suffix = ` [#${count}]`;
  return {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    // Text as a string, the cheaper copy; bytes that are not UTF-8 (only a direct caller sends
    // them) come back as they came.
    body: isUtf8(event.body) ? event.body.toString() + suffix : Buffer.concat([event.body, Buffer.from(suffix)]),
  };
}
