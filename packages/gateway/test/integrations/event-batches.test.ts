// Event batches through a real gateway, real `ws` clients and a raw node:http backend, all on port 0:
// messages of several clients that arrive together leave as one POST of a JSON array with the
// x-switchboard-batch-size header and each client gets its own result; a lone message goes as an
// array of one; a bad answer to the batch (not an array, wrong length, non-2xx, not JSON), an
// unreachable backend and a timeout give every client of the batch its error frame and keep the
// connections open; a malformed result fails only its own client.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventBatchHeader } from '@switchboard/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unusedUrl } from '../helpers/backend.js';
import { connectClient, type TestClient } from '../helpers/client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface LambdaEvent {
  readonly requestContext: {
    readonly connectionId: string;
    readonly eventType: string;
    readonly routeKey: string;
  };
  readonly body?: string;
}

interface BatchRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly events: readonly LambdaEvent[];
  readonly response: ServerResponse;
}

/** What the backend does with a batch: answers it (status and raw body), or leaves it unanswered. */
type Answer = (events: readonly LambdaEvent[]) => { status: number; body: string } | 'hang';

const echo = (event: LambdaEvent) => ({ statusCode: 200, body: `echo:${event.body ?? ''}` });
const echoAll: Answer = (events) => ({ status: 200, body: JSON.stringify(events.map(echo)) });

/** A raw node:http backend that records every batch and answers with the current `answer`. */
class BatchBackend {
  readonly requests: BatchRequest[] = [];
  answer: Answer = echoAll;
  url = '';
  readonly #server: Server;
  #waiters: ((request: BatchRequest) => void)[] = [];
  readonly #taken = new Set<BatchRequest>();

  constructor() {
    this.#server = createServer((incoming, response) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const events = JSON.parse(Buffer.concat(chunks).toString()) as LambdaEvent[];
        const request: BatchRequest = {
          path: incoming.url ?? '',
          headers: incoming.headers,
          events,
          response,
        };
        this.requests.push(request);
        const answer = this.answer(events);
        if (answer !== 'hang') {
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(answer.body);
        }
        for (const waiter of this.#waiters.splice(0)) waiter(request);
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The next request not yet taken whose events are all of `eventType`, recorded already or still to come. */
  async next(eventType = 'MESSAGE'): Promise<BatchRequest> {
    for (;;) {
      const found = this.requests.find(
        (r) => !this.#taken.has(r) && r.events.every((e) => e.requestContext.eventType === eventType),
      );
      if (found !== undefined) {
        this.#taken.add(found);
        return found;
      }
      await new Promise<BatchRequest>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Forgets the requests so far (the next test starts from a clean slate). */
  reset(): void {
    for (const request of this.requests) this.#taken.add(request);
    this.answer = echoAll;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const frame = (message: string, connectionId: string) =>
  new RegExp(
    `^\\{"message": "${message}", "connectionId":"${connectionId.replace(/[=+/]/g, '\\$&')}", "requestId":"[A-Za-z0-9_-]{15}="\\}$`,
  );
const internalError = (connectionId: string) => frame('Internal server error', connectionId);
const timedOut = (connectionId: string) => frame('Endpoint request timed out', connectionId);

describe('event batches (AWS_PROXY over HTTP with batchSize)', () => {
  const backend = new BatchBackend();
  let gateway: TestGateway;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    await backend.start();
    const down = await unusedUrl();
    gateway = await startTestGateway({
      integrations: {
        batched: { type: 'AWS_PROXY', uri: `${backend.url}/events?v=1`, batchSize: 8 },
        small: { type: 'AWS_PROXY', uri: `${backend.url}/small`, batchSize: 3 },
        slow: { type: 'AWS_PROXY', uri: `${backend.url}/slow`, batchSize: 8, timeoutMs: 300 },
        // An undelivered request is retried until the integration timeout: keep it short.
        down: { type: 'AWS_PROXY', uri: `${down}/events`, batchSize: 8, timeoutMs: 300 },
      },
      routes: {
        $default: { integration: 'batched', twoWay: true },
        small: { integration: 'small', twoWay: true },
        slow: { integration: 'slow', twoWay: true },
        down: { integration: 'down', twoWay: true },
      },
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    backend.reset();
  });
  afterAll(async () => {
    await gateway.close();
    await backend.close();
  });

  async function connect(count: number): Promise<TestClient[]> {
    const opened = await Promise.all(Array.from({ length: count }, () => connectClient(gateway.url())));
    clients.push(...opened);
    return opened;
  }

  /**
   * Sends one message from every client in the same turn, then returns the batch the backend got.
   * Deterministic: the clients and the gateway share this process, each `send` writes to its loopback
   * socket before returning (libuv tries the write at once), so every message is readable before the
   * gateway's next poll, which reads them all in one turn.
   */
  async function sendTogether(
    group: readonly TestClient[],
    body: (i: number) => string,
  ): Promise<BatchRequest> {
    group.forEach((client, i) => client.send(body(i)));
    return backend.next();
  }

  /** Every client still works: a good answer reaches each of them. */
  async function stillOpen(group: readonly TestClient[]): Promise<void> {
    backend.answer = echoAll;
    const request = await sendTogether(group, (i) => `again-${i}`);
    expect(request.events).toHaveLength(group.length);
    expect(await Promise.all(group.map((client) => client.next()))).toEqual(
      group.map((_, i) => `echo:again-${i}`),
    );
  }

  it('sends the messages of several clients that arrive together as one POST of a JSON array, and answers each client with its own result', async () => {
    const group = await connect(4);
    const bodies = ['from-0', 'from-1', 'from-2', 'from-3'];
    const request = await sendTogether(group, (i) => bodies[i] ?? '');
    expect(request.path).toBe('/events?v=1');
    expect(request.headers[eventBatchHeader]).toBe('4');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.events.map((event) => event.body).sort()).toEqual(bodies);
    for (const event of request.events)
      expect(event.requestContext).toMatchObject({ eventType: 'MESSAGE', routeKey: '$default' });
    expect(new Set(request.events.map((event) => event.requestContext.connectionId)).size).toBe(4);
    expect(await Promise.all(group.map((client) => client.next()))).toEqual(
      bodies.map((body) => `echo:${body}`),
    );
    expect(backend.requests).toHaveLength(1);
  });

  it('maps each result by its position, not by its content', async () => {
    const group = await connect(3);
    backend.answer = (events) => ({
      status: 200,
      body: JSON.stringify(
        events.map((event, i) => ({ statusCode: 200, body: `position ${i} of ${event.body ?? ''}` })),
      ),
    });
    const request = await sendTogether(group, (i) => `m${i}`);
    const replies = await Promise.all(group.map((client) => client.next()));
    expect(replies).toEqual(
      group.map((_, i) => `position ${request.events.findIndex((e) => e.body === `m${i}`)} of m${i}`),
    );
  });

  it('sends a lone message as an array of one, with batch size 1', async () => {
    const [client] = await connect(1);
    client?.send('alone');
    const request = await backend.next();
    expect(request.headers[eventBatchHeader]).toBe('1');
    expect(request.events).toHaveLength(1);
    expect(request.events[0]?.body).toBe('alone');
    expect(await client?.next()).toBe('echo:alone');
  });

  it('sends a full batch at once and the rest in another request (batchSize 3, five clients)', async () => {
    const group = await connect(5);
    group.forEach((client, i) => client.send(JSON.stringify({ action: 'small', i })));
    const first = await backend.next();
    const second = await backend.next();
    expect([first.path, second.path]).toEqual(['/small', '/small']);
    expect([first.headers[eventBatchHeader], second.headers[eventBatchHeader]]).toEqual(['3', '2']);
    expect([first.events.length, second.events.length]).toEqual([3, 2]);
    const replies = await Promise.all(group.map((client) => client.next()));
    expect(replies).toEqual(group.map((_, i) => `echo:${JSON.stringify({ action: 'small', i })}`));
  });

  const badAnswers: [string, Answer][] = [
    [
      'an answer that is not an array',
      () => ({ status: 200, body: JSON.stringify({ statusCode: 200, body: 'one' }) }),
    ],
    [
      'an array with one result too few',
      (events) => ({ status: 200, body: JSON.stringify(events.slice(1).map(echo)) }),
    ],
    [
      'an array with one result too many',
      (events) => ({ status: 200, body: JSON.stringify([...events, ...events.slice(0, 1)].map(echo)) }),
    ],
    ['a 500 with a well-formed array', (events) => ({ status: 500, body: JSON.stringify(events.map(echo)) })],
    ['a 404', () => ({ status: 404, body: '{"message":"no such endpoint"}' })],
    ['a body that is not JSON', () => ({ status: 200, body: '[{"statusCode": 200,' })],
    ['an empty body', () => ({ status: 200, body: '' })],
  ];
  it.each(badAnswers)(
    'answers every client of the batch with Internal server error on %s, connections open',
    async (_, answer) => {
      const group = await connect(3);
      backend.answer = answer;
      const bodies = ['bad-0', 'bad-1', 'bad-2'];
      const request = await sendTogether(group, (i) => bodies[i] ?? '');
      expect(request.events).toHaveLength(3);
      const ids = connectionIds(request, bodies);
      const replies = await Promise.all(group.map((client) => client.next()));
      replies.forEach((reply, i) => expect(reply).toMatch(internalError(ids[i] ?? '')));
      await stillOpen(group);
    },
  );

  it('answers Internal server error to a lone message whose answer is not an array', async () => {
    const [client] = await connect(1);
    backend.answer = () => ({ status: 200, body: JSON.stringify({ statusCode: 200, body: 'single' }) });
    client?.send('lone');
    const [event] = (await backend.next()).events;
    expect(await client?.next()).toMatch(internalError(event?.requestContext.connectionId ?? ''));
    await stillOpen(clients);
  });

  it('fails only the client whose result is malformed', async () => {
    const group = await connect(4);
    const malformed = [
      'not an object',
      { statusCode: 'abc', body: 'x' },
      { statusCode: 200, body: { not: 'a string' } },
    ];
    backend.answer = (events) => ({
      status: 200,
      body: JSON.stringify(
        events.map((event) => {
          const match = /^item-(\d)$/.exec(event.body ?? '');
          const i = Number(match?.[1]);
          return i < malformed.length ? malformed[i] : echo(event);
        }),
      ),
    });
    const bodies = ['item-0', 'item-1', 'item-2', 'item-3'];
    const request = await sendTogether(group, (i) => bodies[i] ?? '');
    expect(request.events).toHaveLength(4);
    const ids = connectionIds(request, bodies);
    const replies = await Promise.all(group.map((client) => client.next()));
    for (let i = 0; i < 3; i += 1) expect(replies[i]).toMatch(internalError(ids[i] ?? ''));
    expect(replies[3]).toBe('echo:item-3');
    await stillOpen(group);
  });

  it('takes a null result as a 200 with no body: nothing is sent to its client, the others get theirs', async () => {
    const group = await connect(2);
    backend.answer = (events) => ({
      status: 200,
      body: JSON.stringify(events.map((event) => (event.body === 'empty' ? null : echo(event)))),
    });
    await sendTogether(group, (i) => (i === 0 ? 'empty' : 'full'));
    expect(await group[1]?.next()).toBe('echo:full');
    // The next frame client 0 receives is the answer to its next message: nothing came in between.
    await stillOpen(group);
  });

  it('answers every client with Endpoint request timed out when the batch is not answered within timeoutMs, connections open', async () => {
    const group = await connect(3);
    backend.answer = () => 'hang';
    const bodies = group.map((_, i) => JSON.stringify({ action: 'slow', i }));
    const request = await sendTogether(group, (i) => bodies[i] ?? '');
    expect(request.path).toBe('/slow');
    expect(request.headers[eventBatchHeader]).toBe('3');
    const ids = connectionIds(request, bodies);
    const replies = await Promise.all(group.map((client) => client.next()));
    replies.forEach((reply, i) => expect(reply).toMatch(timedOut(ids[i] ?? '')));
    // The late answer changes nothing.
    request.response.writeHead(200, { 'content-type': 'application/json' });
    request.response.end(JSON.stringify(request.events.map(echo)));
    await stillOpen(group);
  });

  it('answers every client with Internal server error when the backend cannot be reached, connections open', async () => {
    const group = await connect(3);
    group.forEach((client, i) => client.send(JSON.stringify({ action: 'down', i })));
    const replies = await Promise.all(group.map((client) => client.next()));
    for (const reply of replies) expect(reply).toMatch(internalError('[A-Za-z0-9_-]{15}='));
    expect(
      new Set(replies.map((reply) => (JSON.parse(reply) as { connectionId: string }).connectionId)).size,
    ).toBe(3);
    await stillOpen(group);
  });
});

describe('event batches: response limits, and $connect/$disconnect on a batched integration', () => {
  const backend = new BatchBackend();
  let gateway: TestGateway;

  beforeAll(async () => {
    await backend.start();
    gateway = await startTestGateway({
      limits: { maxResponseBytes: 100 },
      integrations: { batched: { type: 'AWS_PROXY', uri: `${backend.url}/events`, batchSize: 8 } },
      routes: {
        $connect: { integration: 'batched' },
        $disconnect: { integration: 'batched' },
        $default: { integration: 'batched', twoWay: true },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await backend.close();
  });

  it('sends CONNECT and DISCONNECT as batches too, and accepts the connection on a 2xx result', async () => {
    const client = await connectClient(gateway.url());
    const connect = await backend.next('CONNECT');
    expect(connect.headers[eventBatchHeader]).toBe('1');
    expect(connect.events.map((event) => event.requestContext.eventType)).toEqual(['CONNECT']);
    await client.close();
    const disconnect = await backend.next('DISCONNECT');
    expect(disconnect.events.map((event) => event.requestContext.eventType)).toEqual(['DISCONNECT']);
    expect(disconnect.events[0]?.requestContext.connectionId).toBe(
      connect.events[0]?.requestContext.connectionId,
    );
  });

  it('accepts an answer of up to maxResponseBytes × N, and fails only the client whose result body is over maxResponseBytes', async () => {
    const group = await Promise.all([0, 1, 2].map(() => connectClient(gateway.url())));
    try {
      // Result bodies of 30 bytes, and 101 for "big": the answer is about 250 bytes, over 100 and
      // under 3 × 100.
      backend.answer = (events) => {
        const body = JSON.stringify(
          events.map((event) => ({
            statusCode: 200,
            body: event.body === 'big' ? 'b'.repeat(101) : 'a'.repeat(30),
          })),
        );
        expect(body.length).toBeGreaterThan(200);
        expect(body.length).toBeLessThanOrEqual(300);
        return { status: 200, body };
      };
      const bodies = ['small-0', 'big', 'small-2'];
      group.forEach((client, i) => client.send(bodies[i] ?? ''));
      const request = await backend.next();
      expect(request.events).toHaveLength(3);
      const ids = connectionIds(request, bodies);
      const replies = await Promise.all(group.map((client) => client.next()));
      expect(replies[0]).toBe('a'.repeat(30));
      expect(replies[1]).toMatch(internalError(ids[1] ?? ''));
      expect(replies[2]).toBe('a'.repeat(30));
    } finally {
      backend.answer = echoAll;
      await Promise.all(group.map((client) => client.close()));
    }
  });

  it('fails the whole batch when the answer is over maxResponseBytes × N', async () => {
    const group = await Promise.all([0, 1].map(() => connectClient(gateway.url())));
    try {
      // Two results with 90-byte bodies, padded with a header past 2 × 100 bytes in all.
      backend.answer = (events) => {
        const body = JSON.stringify(
          events.map((event) => ({
            statusCode: 200,
            headers: { pad: 'p'.repeat(60) },
            body: (event.body ?? '').padEnd(90, '.'),
          })),
        );
        expect(body.length).toBeGreaterThan(200);
        return { status: 200, body };
      };
      group.forEach((client, i) => client.send(`over-${i}`));
      const request = await backend.next();
      expect(request.events).toHaveLength(2);
      const ids = connectionIds(request, ['over-0', 'over-1']);
      const replies = await Promise.all(group.map((client) => client.next()));
      replies.forEach((reply, i) => expect(reply).toMatch(internalError(ids[i] ?? '')));
    } finally {
      backend.answer = echoAll;
      await Promise.all(group.map((client) => client.close()));
    }
  });
});

/** The connection id the backend saw for each body. */
function connectionIds(request: BatchRequest, bodies: readonly string[]): string[] {
  return bodies.map((body) => {
    const event = request.events.find((e) => e.body === body);
    if (event === undefined) throw new Error(`no event with body ${body}`);
    return event.requestContext.connectionId;
  });
}
