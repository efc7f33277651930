/**
 * `POST /events` over real HTTP on port 0: a batch of Lambda MESSAGE events of one connection is
 * answered by an array of Lambda proxy results in order, with the session count; one event by one
 * result; a bad body by 400; the body limit is MAX_BATCH_BODY_BYTES, not the 256 KB of the other
 * endpoints.
 */
import { eventBatchHeader } from '@switchboard/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BATCH_BODY_BYTES } from '../src/lambda-events.js';
import { startBackend, type StartedBackend } from './helpers.js';

let started: StartedBackend;
beforeEach(async () => {
  started = await startBackend();
});
afterEach(async () => {
  await started.close();
});

function lambdaEvent(
  eventType: string,
  connectionId: string,
  extra: Record<string, unknown> = {},
  routeKey = '$default',
): Record<string, unknown> {
  return {
    requestContext: {
      routeKey,
      eventType,
      extendedRequestId: 'R1knPH17NjMFftw=',
      requestTime: '20/Jan/2024:11:55:00 +0000',
      messageDirection: 'IN',
      stage: 'dev',
      connectedAt: 1705751697419,
      requestTimeEpoch: 1705751700453,
      identity: { userAgent: 'test', sourceIp: '127.0.0.1' },
      requestId: 'R1knPH17NjMFftw=',
      domainName: 'localhost',
      connectionId,
      apiId: 'local',
    },
    isBase64Encoded: false,
    ...extra,
  };
}
const message = (connectionId: string, body: string) => lambdaEvent('MESSAGE', connectionId, { body });

async function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${started.url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

/** A text reply's result: no headers, since its content type is the only one it has. */
const textResult = (body: string) => ({ statusCode: 200, body, isBase64Encoded: false });

describe('POST /events', () => {
  it('answers a batch of MESSAGE events of one connection with one result per event, counted in order', async () => {
    const batch = [message('batch-conn', 'text'), message('batch-conn', 'text')];
    const response = await post(JSON.stringify(batch), { [eventBatchHeader]: '2' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual([textResult('text [#1]'), textResult('text [#2]')]);
  });

  it('carries the count on from one batch to the next, and from a single event', async () => {
    await post(JSON.stringify([message('carry', 'a')]), { [eventBatchHeader]: '1' });
    const single = await post(JSON.stringify(message('carry', 'b')));
    expect(await single.json()).toEqual(textResult('b [#2]'));
    const next = await post(JSON.stringify([message('carry', 'c'), message('other', 'd')]), {
      [eventBatchHeader]: '2',
    });
    expect(await next.json()).toEqual([textResult('c [#3]'), textResult('d [#1]')]);
  });

  it('answers a CONNECT, MESSAGE and DISCONNECT batch, and the disconnect deletes the session', async () => {
    await post(JSON.stringify([message('cycle', 'x')]));
    const response = await post(
      JSON.stringify([
        lambdaEvent(
          'CONNECT',
          'fresh',
          {
            headers: { 'Sec-WebSocket-Protocol': 'chat, other' },
            queryStringParameters: { channel: 'news' },
          },
          '$connect',
        ),
        lambdaEvent(
          'DISCONNECT',
          'cycle',
          {
            requestContext: {
              ...(lambdaEvent('DISCONNECT', 'cycle')['requestContext'] as object),
              disconnectStatusCode: 1001,
              disconnectReason: 'bye now',
            },
          },
          '$disconnect',
        ),
      ]),
    );
    expect(await response.json()).toEqual([
      { statusCode: 200, headers: { 'sec-websocket-protocol': 'chat' }, body: '', isBase64Encoded: false },
      { statusCode: 200, body: '', isBase64Encoded: false },
    ]);
    const disconnect = await started.log.waitFor((entry) => entry.msg === 'disconnect');
    expect(disconnect.fields).toEqual({
      connectionId: 'cycle',
      statusCode: 1001,
      reason: 'bye now',
      sessionDeleted: true,
    });
    expect(await (await post(JSON.stringify(message('cycle', 'again')))).json()).toEqual(
      textResult('again [#1]'),
    );
  });

  it('answers 400 {"message"} to a body that is not JSON, or not an object or an array', async () => {
    for (const body of ['[{"requestContext":', 'null', '42', '"event"']) {
      const response = await post(body);
      expect(response.status).toBe(400);
      const { message: text } = (await response.json()) as { message: string };
      expect(typeof text).toBe('string');
    }
  });

  it('accepts a batch over the 256 KB limit of the other endpoints, and answers 413 past MAX_BATCH_BODY_BYTES', async () => {
    const big = 'x'.repeat(200 * 1024);
    const batch = [message('big', big), message('big', big)];
    const accepted = await post(JSON.stringify(batch));
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { body: string }[]).map((result) => result.body.length)).toEqual([
      big.length + 5,
      big.length + 5,
    ]);
    const tooLarge = await post(JSON.stringify([message('big', 'y'.repeat(MAX_BATCH_BODY_BYTES))]));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ message: `request body over ${MAX_BATCH_BODY_BYTES} bytes` });
  });
});
