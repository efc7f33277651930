/**
 * Unit tests of `POST /events` without HTTP: handleLambdaEvents with stub handlers. One event gives
 * one result, an array gives an array in order; each event reaches its handler as the context
 * headers the HTTP_PROXY endpoints read; a bad item gets a 400 result of its own; a bad body a 400.
 */
import { contextHeaders } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import type { BackendEvent } from './backend-event.js';
import { handleLambdaEvent, handleLambdaEvents, type EventHandlers } from './lambda-events.js';
import type { Reply } from './reply.js';

interface Call {
  readonly kind: 'connect' | 'message' | 'disconnect';
  readonly event: BackendEvent;
}

/** Handlers that record each call and answer with `reply` (by default 200 and the frame as text). */
function stubs(
  reply: (call: Call) => Reply | Promise<Reply> = ({ event }) => ({
    status: 200,
    body: event.body.toString(),
  }),
): { calls: Call[]; handlers: EventHandlers } {
  const calls: Call[] = [];
  const record = (kind: Call['kind']) => (event: BackendEvent) => {
    const call = { kind, event };
    calls.push(call);
    return reply(call);
  };
  return {
    calls,
    handlers: { connect: record('connect'), message: record('message'), disconnect: record('disconnect') },
  };
}

function lambdaEvent(
  eventType: string,
  extra: Record<string, unknown> = {},
  context: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    requestContext: {
      routeKey: eventType === 'MESSAGE' ? '$default' : eventType === 'CONNECT' ? '$connect' : '$disconnect',
      eventType,
      stage: 'dev',
      connectionId: 'Qyi07eCbtjMCJKw=',
      ...context,
    },
    isBase64Encoded: false,
    ...extra,
  };
}
const message = (body: string, context: Record<string, unknown> = {}) =>
  lambdaEvent('MESSAGE', { body }, context);

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const parsedBody = (reply: Reply): unknown => JSON.parse(String(reply.body));

describe('handleLambdaEvents', () => {
  it('answers one event (an object) with one result object', async () => {
    const { calls, handlers } = stubs();
    const reply = await handleLambdaEvents(json(message('hello')), handlers);
    expect(reply.status).toBe(200);
    expect(reply.headers?.['content-type']).toBe('application/json');
    expect(parsedBody(reply)).toEqual({ statusCode: 200, body: 'hello', isBase64Encoded: false });
    expect(calls.map((call) => call.kind)).toEqual(['message']);
  });

  it('answers an array with an array of results in the same order, even when handlers finish out of order', async () => {
    const { handlers } = stubs(async ({ event }) => {
      const text = event.body.toString();
      // Later events finish first.
      for (let i = 0; i < 10 - Number(text.slice(1)); i += 1) await Promise.resolve();
      return { status: 200, body: `re:${text}` };
    });
    const bodies = ['m0', 'm1', 'm2', 'm3', 'm4'];
    const reply = await handleLambdaEvents(json(bodies.map((body) => message(body))), handlers);
    expect(reply.status).toBe(200);
    expect((parsedBody(reply) as { body: string }[]).map((result) => result.body)).toEqual(
      bodies.map((body) => `re:${body}`),
    );
  });

  it('answers an empty array with an empty array, calling no handler', async () => {
    const { calls, handlers } = stubs();
    const reply = await handleLambdaEvents(Buffer.from('[]'), handlers);
    expect(reply.status).toBe(200);
    expect(parsedBody(reply)).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('answers HTTP 400 {"message"} to a body that is not JSON, and to JSON that is not an object or an array', async () => {
    const { calls, handlers } = stubs();
    for (const body of ['', '{"requestContext":', 'not json', 'null', '42', '"text"', 'true']) {
      const reply = await handleLambdaEvents(Buffer.from(body), handlers);
      expect(reply.status).toBe(400);
      expect(reply.headers?.['content-type']).toBe('application/json');
      expect(parsedBody(reply)).toEqual({ message: expect.any(String) as unknown });
    }
    expect(calls).toEqual([]);
  });

  it('gives a bad item a 400 result of its own and answers the others', async () => {
    const { calls, handlers } = stubs();
    const items = [
      message('first'),
      { body: 'no context' },
      lambdaEvent('MESSAGE', { body: 'x' }, { connectionId: undefined }),
      lambdaEvent('MESSAGE', { body: 'x' }, { connectionId: '' }),
      lambdaEvent('MESSAGE', { body: 'x' }, { connectionId: 42 }),
      lambdaEvent('UNKNOWN', { body: 'x' }),
      lambdaEvent('MESSAGE', { body: 'x' }, { eventType: undefined }),
      { requestContext: null },
      { requestContext: 'text' },
      null,
      7,
      'string',
      [],
      message('last'),
    ];
    const reply = await handleLambdaEvents(json(items), handlers);
    expect(reply.status).toBe(200);
    const results = parsedBody(reply) as {
      statusCode: number;
      headers?: Record<string, string>;
      body: string;
      isBase64Encoded: boolean;
    }[];
    expect(results).toHaveLength(items.length);
    expect(results[0]).toEqual({ statusCode: 200, body: 'first', isBase64Encoded: false });
    expect(results.at(-1)).toEqual({ statusCode: 200, body: 'last', isBase64Encoded: false });
    for (const result of results.slice(1, -1)) {
      expect(result.statusCode).toBe(400);
      expect(result.headers).toEqual({ 'content-type': 'application/json' });
      expect(result.isBase64Encoded).toBe(false);
      expect(JSON.parse(result.body)).toEqual({ message: expect.any(String) as unknown });
    }
    expect(calls.map((call) => call.event.body.toString())).toEqual(['first', 'last']);
  });
});

describe('handleLambdaEvents: a handler that fails', () => {
  it('fails its own event only, with a 500 result, and onError hears of it (thrown or rejected)', async () => {
    const failures: unknown[] = [];
    const thrown = new Error('handler threw');
    const rejected = new Error('handler rejected');
    const { handlers } = stubs(({ event }) => {
      const text = event.body.toString();
      if (text === 'throw') throw thrown;
      if (text === 'reject') return Promise.reject(rejected);
      return { status: 200, body: `ok:${text}` };
    });
    const reply = await handleLambdaEvents(
      json([message('a'), message('throw'), message('b'), message('reject')]),
      handlers,
      (error) => failures.push(error),
    );
    expect(reply.status).toBe(200);
    const results = parsedBody(reply) as { statusCode: number; body: string }[];
    expect(results.map((result) => result.statusCode)).toEqual([200, 500, 200, 500]);
    expect(results[0]?.body).toBe('ok:a');
    expect(results[2]?.body).toBe('ok:b');
    expect(JSON.parse(results[1]?.body ?? '')).toEqual({ message: 'Internal server error' });
    expect(failures).toHaveLength(2);
    expect(failures).toContain(thrown);
    expect(failures).toContain(rejected);
  });

  it('answers a single event whose handler throws with a 500 result, not an HTTP error', async () => {
    const { handlers } = stubs(() => {
      throw new Error('boom');
    });
    const reply = await handleLambdaEvents(json(message('x')), handlers);
    expect(reply.status).toBe(200);
    expect(parsedBody(reply)).toEqual({
      statusCode: 500,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Internal server error' }),
      isBase64Encoded: false,
    });
  });
});

describe('handleLambdaEvent', () => {
  it('passes a MESSAGE to the message handler with the connection id and stage headers and the frame', async () => {
    const { calls, handlers } = stubs();
    await handleLambdaEvent(message('{"action":"x"}'), handlers);
    const [call] = calls;
    expect(call?.kind).toBe('message');
    expect(call?.event.method).toBe('POST');
    expect(call?.event.path).toBe('/events');
    expect(call?.event.headers).toEqual({
      [contextHeaders.connectionId]: 'Qyi07eCbtjMCJKw=',
      [contextHeaders.stage]: 'dev',
    });
    expect(call?.event.body.toString()).toBe('{"action":"x"}');
  });

  it('decodes a base64 MESSAGE and marks it binary; a missing body is an empty frame', async () => {
    const { calls, handlers } = stubs();
    await handleLambdaEvent(
      lambdaEvent('MESSAGE', { body: Buffer.from([0, 255, 1]).toString('base64'), isBase64Encoded: true }),
      handlers,
    );
    await handleLambdaEvent(lambdaEvent('MESSAGE'), handlers);
    expect(calls[0]?.event.headers[contextHeaders.binary]).toBe('1');
    expect([...(calls[0]?.event.body ?? [])]).toEqual([0, 255, 1]);
    expect(calls[1]?.event.headers).not.toHaveProperty(contextHeaders.binary);
    expect(calls[1]?.event.body.length).toBe(0);
  });

  it('answers a MESSAGE on the later route with a 400 result without calling a handler', async () => {
    const { calls, handlers } = stubs();
    const result = await handleLambdaEvent(message('{"action":"later"}', { routeKey: 'later' }), handlers);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ message: expect.stringContaining('/later') as unknown });
    expect(calls).toEqual([]);
  });

  it('passes a CONNECT with its headers in lower case and its query string', async () => {
    const { calls, handlers } = stubs(() => ({ status: 200, headers: { 'sec-websocket-protocol': 'chat' } }));
    const result = await handleLambdaEvent(
      lambdaEvent('CONNECT', {
        headers: { 'Sec-WebSocket-Protocol': 'chat, other', 'X-Number': 5, Host: 'localhost' },
        queryStringParameters: { reject: '401', channel: 'news' },
      }),
      handlers,
    );
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'sec-websocket-protocol': 'chat' },
      body: '',
      isBase64Encoded: false,
    });
    const [call] = calls;
    expect(call?.kind).toBe('connect');
    expect(call?.event.headers).toEqual({
      [contextHeaders.connectionId]: 'Qyi07eCbtjMCJKw=',
      [contextHeaders.stage]: 'dev',
      'sec-websocket-protocol': 'chat, other',
      host: 'localhost',
    });
    expect(call?.event.query.toString()).toBe('reject=401&channel=news');
  });

  it('passes a DISCONNECT with its close code and the reason URI-encoded, as the HTTP_PROXY headers carry them', async () => {
    const { calls, handlers } = stubs(() => ({ status: 200 }));
    const result = await handleLambdaEvent(
      lambdaEvent('DISCONNECT', {}, { disconnectStatusCode: 1001, disconnectReason: 'going away, bye' }),
      handlers,
    );
    expect(result).toEqual({ statusCode: 200, body: '', isBase64Encoded: false });
    expect(calls[0]?.kind).toBe('disconnect');
    expect(calls[0]?.event.headers).toEqual({
      [contextHeaders.connectionId]: 'Qyi07eCbtjMCJKw=',
      [contextHeaders.stage]: 'dev',
      [contextHeaders.disconnectStatusCode]: '1001',
      [contextHeaders.disconnectReason]: encodeURIComponent('going away, bye'),
    });
  });

  it('turns the reply into a Lambda proxy result: status, headers but the content type, text body; binary bodies in base64', async () => {
    const text = await handleLambdaEvent(
      message('x'),
      stubs(() => ({
        status: 201,
        headers: { 'Content-Type': 'text/plain', 'x-a': '1' },
        body: Buffer.from('héllo'),
      })).handlers,
    );
    expect(text).toEqual({ statusCode: 201, headers: { 'x-a': '1' }, body: 'héllo', isBase64Encoded: false });
    const binary = await handleLambdaEvent(
      message('x'),
      stubs(() => ({
        status: 200,
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.from([0, 255]),
      })).handlers,
    );
    // The content type said "binary", which the result says with isBase64Encoded; API Gateway reads
    // no headers of a WebSocket route's result, so none are left to carry.
    expect(binary).toEqual({ statusCode: 200, body: 'AP8=', isBase64Encoded: true });
    const binaryCapitalised = await handleLambdaEvent(
      message('x'),
      stubs(() => ({
        status: 200,
        headers: { 'Content-Type': 'application/octet-stream' },
        body: Buffer.from([0, 255]),
      })).handlers,
    );
    expect(binaryCapitalised).toEqual({ statusCode: 200, body: 'AP8=', isBase64Encoded: true });
    const error = await handleLambdaEvent(
      message('x'),
      stubs(() => ({
        status: 503,
        headers: { 'content-type': 'application/json' },
        body: '{"message":"down"}',
      })).handlers,
    );
    expect(error).toEqual({ statusCode: 503, body: '{"message":"down"}', isBase64Encoded: false });
    const noHeaders = await handleLambdaEvent(message('x'), stubs(() => ({ status: 204 })).handlers);
    expect(noHeaders).toEqual({ statusCode: 204, body: '', isBase64Encoded: false });
  });

  it('leaves the stage header out when the event has no stage', async () => {
    const { calls, handlers } = stubs();
    await handleLambdaEvent(message('x', { stage: undefined }), handlers);
    expect(calls[0]?.event.headers).toEqual({ [contextHeaders.connectionId]: 'Qyi07eCbtjMCJKw=' });
  });
});

describe('handleLambdaEvents: one connection, several events in one batch', () => {
  it('hands the events of one connection to the handlers one after the other, in order', async () => {
    // A read-modify-write counter per connection: it gives each event its own count only when the
    // events of one connection are handled one at a time (and the replies keep the clients' order).
    const counts = new Map<string, number>();
    const { handlers } = stubs(async ({ event }) => {
      const id = String(event.headers[contextHeaders.connectionId]);
      const before = counts.get(id) ?? 0;
      await Promise.resolve();
      counts.set(id, before + 1);
      return { status: 200, body: `${event.body.toString()} [#${before + 1}]` };
    });
    const reply = await handleLambdaEvents(
      json([message('text'), message('text'), message('other', { connectionId: 'B' })]),
      handlers,
    );
    expect((parsedBody(reply) as { body: string }[]).map((result) => result.body)).toEqual([
      'text [#1]',
      'text [#2]',
      'other [#1]',
    ]);
  });
});
