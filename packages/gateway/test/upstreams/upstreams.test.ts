/**
 * Upstream sets against real HTTP servers on port 0: round-robin, ejection on refusal and on the
 * drain signal with a retry elsewhere, no retry once a request may have been processed, probing
 * back, DNS re-resolution to every address, keep-alive recycling, and the diagnostics published.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { upstreamSchema, type UpstreamConfig } from '../../src/config/upstream.js';
import { BackendPools } from '../../src/integrations/pools.js';
import { UpstreamSet, type UpstreamRequest } from '../../src/integrations/upstreams/upstream-set.js';
import { unusedUrl } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { startTestGateway } from '../helpers/gateway.js';

interface Replica {
  readonly url: string;
  readonly port: number;
  readonly bodies: string[];
  readonly sockets: Set<Socket>;
  /** Requests served on each connection. */
  readonly perSocket: Map<Socket, number>;
  /** The connection of each request, in order. */
  readonly socketOf: Socket[];
  handle(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): void;
  close(): Promise<void>;
}

const opened: (Replica | UpstreamSet)[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((each) => each.close()));
});

/** An HTTP server on 127.0.0.1:port (0 picks one) that records bodies and sockets and echoes by default. */
async function replica(port = 0): Promise<Replica> {
  const bodies: string[] = [];
  const sockets = new Set<Socket>();
  const perSocket = new Map<Socket, number>();
  const socketOf: Socket[] = [];
  let handler = (_req: IncomingMessage, res: ServerResponse, body: string): void => {
    res.end(`echo:${body}`);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      bodies.push(body);
      perSocket.set(req.socket, (perSocket.get(req.socket) ?? 0) + 1);
      socketOf.push(req.socket);
      handler(req, res, body);
    });
  });
  server.on('connection', (socket: Socket) => sockets.add(socket));
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actual = (server.address() as AddressInfo).port;
  const r: Replica = {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    bodies,
    sockets,
    perSocket,
    socketOf,
    handle(next) {
      handler = next;
    },
    async close() {
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  opened.push(r);
  return r;
}

/**
 * A replica whose answers close their connection: once stopped, nothing of it is left in the pool,
 * so what follows meets a refusal (and not a keep-alive connection the server is closing).
 */
async function closingReplica(): Promise<Replica> {
  const r = await replica();
  r.handle((_req, res, body) => {
    res.setHeader('connection', 'close');
    res.end(`echo:${body}`);
  });
  return r;
}

function settings(overrides: Record<string, unknown> = {}): UpstreamConfig {
  return upstreamSchema.parse(overrides);
}

function upstreamSet(origins: string[], overrides: Record<string, unknown> = {}): UpstreamSet {
  const set = new UpstreamSet({ integration: 'test', origins, settings: settings(overrides) });
  opened.push(set);
  return set;
}

function post(body: string): UpstreamRequest {
  return {
    method: 'POST',
    path: '/message',
    headers: { 'content-type': 'text/plain' },
    body: Buffer.from(body),
  };
}

async function send(
  set: UpstreamSet,
  body: string,
  timeoutMs = 2_000,
): Promise<{ status: number; text: string }> {
  const response = await set.request(post(body), timeoutMs);
  return { status: response.statusCode, text: response.body.toString() };
}

/** Collects what is published on a diagnostics channel until the test ends. */
function recordChannel(name: string): unknown[] {
  const events: unknown[] = [];
  const listener = (message: unknown): void => {
    events.push(message);
  };
  subscribe(name, listener);
  opened.push({ close: () => Promise.resolve(unsubscribe(name, listener)) } as unknown as UpstreamSet);
  return events;
}

describe('UpstreamSet', () => {
  it('spreads requests round-robin over its upstreams', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const set = upstreamSet([a.url, b.url]);
    for (let i = 0; i < 6; i += 1) expect((await send(set, `m${i}`)).text).toBe(`echo:m${i}`);
    expect(a.bodies).toEqual(['m0', 'm2', 'm4']);
    expect(b.bodies).toEqual(['m1', 'm3', 'm5']);
  });

  it('retries a refused request on another upstream, ejects the refusing one, and publishes both', async () => {
    const live = await replica();
    const dead = await unusedUrl();
    const retries = recordChannel('switchboard:upstream:retry');
    const ejections = recordChannel('switchboard:upstream:ejection');
    const set = upstreamSet([dead, live.url]);
    for (let i = 0; i < 4; i += 1)
      expect(await send(set, `m${i}`)).toEqual({ status: 200, text: `echo:m${i}` });
    expect(live.bodies).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(ejections).toEqual([{ integration: 'test', origin: dead, reason: 'refused' }]);
    // Only the first request met the refusing upstream: after the ejection it is out of rotation.
    expect(retries).toEqual([{ integration: 'test', attempt: 1, origin: dead, reason: 'refused' }]);
  });

  it('resends a request answered with the drain signal, and ejects the draining upstream', async () => {
    const [draining, live] = await Promise.all([replica(), replica()]);
    draining.handle((_req, res) => {
      res.writeHead(503, { 'x-switchboard-draining': '1', connection: 'close' });
      res.end('draining');
    });
    const ejections = recordChannel('switchboard:upstream:ejection');
    const set = upstreamSet([draining.url, live.url]);
    expect(await send(set, 'first')).toEqual({ status: 200, text: 'echo:first' });
    expect(await send(set, 'second')).toEqual({ status: 200, text: 'echo:second' });
    expect(draining.bodies).toEqual(['first']);
    expect(live.bodies).toEqual(['first', 'second']);
    expect(ejections).toEqual([{ integration: 'test', origin: draining.url, reason: 'draining' }]);
  });

  it('never resends a request that may have been processed (the socket broke after it was written)', async () => {
    const [breaking, other] = await Promise.all([replica(), replica()]);
    breaking.handle((req) => {
      req.socket.destroy();
    });
    const retries = recordChannel('switchboard:upstream:retry');
    const set = upstreamSet([breaking.url, other.url]);
    await expect(send(set, 'once')).rejects.toMatchObject({
      code: expect.stringMatching(/^(closed|ECONNRESET)$/) as unknown,
      sent: true,
    });
    expect(breaking.bodies).toEqual(['once']);
    expect(other.bodies).toEqual([]);
    expect(retries).toEqual([]);
  });

  it('resends a request whose write was refused because the server reset the keep-alive connection after its last answer', async () => {
    // Each connection gets one answer, then a reset sent with it: the next request, made as soon as
    // the answer is read, is written on that connection before its reset is read, and refused.
    let connections = 0;
    const requests: string[] = [];
    const server = createNetServer((socket) => {
      connections += 1;
      socket.on('error', () => undefined);
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        const end = received.indexOf('\r\n\r\n');
        const length = Number(/content-length: (\d+)/i.exec(received)?.[1] ?? 0);
        if (end === -1 || received.length < end + 4 + length) return;
        const body = received.slice(end + 4, end + 4 + length);
        requests.push(body);
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${5 + body.length}\r\n\r\necho:${body}`);
        socket.resetAndDestroy();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    opened.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) } as unknown as UpstreamSet);
    const set = upstreamSet([`http://127.0.0.1:${(server.address() as AddressInfo).port}`]);
    for (let i = 0; i < 10; i += 1) expect(await send(set, `r${i}`)).toEqual({ status: 200, text: `echo:r${i}` });
    // Every request reached the server once, each on a connection of its own.
    expect(requests).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    expect(connections).toBe(10);
  });

  it('a 503 without the drain header is an answer, not a reason to resend', async () => {
    const [failing, other] = await Promise.all([replica(), replica()]);
    failing.handle((_req, res) => {
      res.writeHead(503);
      res.end('busy');
    });
    const set = upstreamSet([failing.url, other.url]);
    expect(await send(set, 'x')).toEqual({ status: 503, text: 'busy' });
    expect(other.bodies).toEqual([]);
  });

  it('waits with backoff for a single upstream that answered lately to come back, within the timeout', async () => {
    const before = await closingReplica();
    const set = upstreamSet([before.url], { retry: { backoffMs: 20, maxBackoffMs: 50 } });
    expect((await send(set, 'alive')).text).toBe('echo:alive');
    // It stops (a restart): it answered a moment ago, so requests wait for it.
    await before.close();
    const answer = send(set, 'patient', 5_000);
    // The request is refused at least once before the replica starts on that port.
    const retries = recordChannel('switchboard:upstream:retry');
    await vi.waitFor(() => {
      expect(retries.length).toBeGreaterThan(0);
    });
    const back = await replica(before.port);
    expect(await answer).toEqual({ status: 200, text: 'echo:patient' });
    expect(back.bodies).toEqual(['patient']);
  });

  it('gives up with the last failure once the integration timeout has passed, then fails at once while nothing answers', async () => {
    const gone = await closingReplica();
    const set = upstreamSet([gone.url], { retry: { backoffMs: 10, maxBackoffMs: 20 } });
    const started = Date.now();
    await send(set, 'alive', 300);
    await gone.close();
    // It answered a moment ago: the request waits for it, up to the integration timeout.
    await expect(send(set, 'x', 300)).rejects.toMatchObject({ code: 'ECONNREFUSED', upstream: gone.url });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // Nothing has answered for a whole integration timeout now: the next request fails at once.
    const next = Date.now();
    await expect(send(set, 'y', 300)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - next).toBeLessThan(250);
  });

  it('fails at once when every upstream refuses and none ever answered, warning once per interval with their names', async () => {
    const [deadA, deadB] = [await unusedUrl(), await unusedUrl()];
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    const set = new UpstreamSet({
      integration: 'test',
      origins: [deadA, deadB],
      settings: settings(),
      logger: { warn: (fields, message) => warnings.push({ fields: fields as Record<string, unknown>, message }) },
    });
    opened.push(set);
    const started = Date.now();
    // The integration timeout is 29 s: the error comes long before it.
    await expect(send(set, 'x', 29_000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(send(set, 'y', 29_000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - started).toBeLessThan(2_000);
    // One warning for the two requests (the next only after REFUSAL_LOG_INTERVAL_MS), naming both.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({ integration: 'test', code: 'SWB_ERR_BACKEND_UNREACHABLE', lastAnswerMsAgo: null });
    expect(new Set(warnings[0]?.fields.refused as string[])).toEqual(new Set([deadA, deadB]));
    expect(warnings[0]?.message).toContain(deadA);
    expect(warnings[0]?.message).toContain('Is the backend running');
  });

  it('stops retrying at retry.budgetMs when it is shorter than the integration timeout', async () => {
    const gone = await closingReplica();
    const set = upstreamSet([gone.url], { retry: { backoffMs: 10, maxBackoffMs: 20, budgetMs: 150 } });
    await send(set, 'alive', 5_000);
    await gone.close();
    const started = Date.now();
    await expect(send(set, 'x', 5_000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('with retry disabled, a refusal fails at once', async () => {
    const live = await replica();
    const set = upstreamSet([await unusedUrl(), live.url], { retry: { enabled: false } });
    await expect(send(set, 'x')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await send(set, 'y')).toEqual({ status: 200, text: 'echo:y' });
  });

  it('an answer to a request sent before the ejection does not bring a draining upstream back', async () => {
    const [slow, steady] = await Promise.all([replica(), replica()]);
    let draining = false;
    let releaseSlow: (() => void) | undefined;
    const slowArrived = new Promise<void>((arrived) => {
      slow.handle((req, res, body) => {
        if (req.url === '/readyz') {
          res.writeHead(draining ? 503 : 200);
          res.end();
        } else if (body === 'slow') {
          // Held until the test releases it: a long request the replica finishes while it drains.
          releaseSlow = () => res.end('echo:slow');
          arrived();
        } else if (draining) {
          res.writeHead(503, { 'x-switchboard-draining': '1', connection: 'close' });
          res.end();
        } else res.end(`echo:${body}`);
      });
    });
    const returns = recordChannel('switchboard:upstream:return');
    const ejections = recordChannel('switchboard:upstream:ejection');
    const set = upstreamSet([slow.url, steady.url], { probeIntervalMs: 20, probePath: '/readyz' });
    const slowAnswer = send(set, 'slow', 10_000);
    await slowArrived;
    draining = true;
    // Round-robin: 'a' goes to the steady upstream, 'b' to the draining one, which ejects it.
    expect(await send(set, 'a')).toEqual({ status: 200, text: 'echo:a' });
    expect(await send(set, 'b')).toEqual({ status: 200, text: 'echo:b' });
    expect(ejections).toEqual([{ integration: 'test', origin: slow.url, reason: 'draining' }]);
    releaseSlow?.();
    expect(await slowAnswer).toEqual({ status: 200, text: 'echo:slow' });
    // The slow answer was sent before the ejection: it proves nothing, the upstream stays out.
    expect(set.upstreams.find((u) => u.origin === slow.url)?.ejected).toBe(true);
    for (let i = 0; i < 4; i += 1) expect(await send(set, `c${i}`)).toEqual({ status: 200, text: `echo:c${i}` });
    // Probes (GET /readyz, empty bodies) aside, the draining upstream got nothing more.
    expect(slow.bodies.filter((b) => b !== '')).toEqual(['slow', 'b']);
    expect(steady.bodies).toEqual(['a', 'b', 'c0', 'c1', 'c2', 'c3']);
    expect(returns).toEqual([]);
    expect(ejections).toHaveLength(1);
  });

  it('a replica that drains for one integration leaves every integration that sends to it', async () => {
    const [leaving, staying] = await Promise.all([replica(), replica()]);
    let draining = false;
    leaving.handle((req, res, body) => {
      if (req.url === '/readyz') {
        res.writeHead(draining ? 503 : 200);
        res.end();
      } else if (draining) {
        res.writeHead(503, { 'x-switchboard-draining': '1', connection: 'close' });
        res.end();
      } else res.end(`echo:${body}`);
    });
    const ejections = recordChannel('switchboard:upstream:ejection');
    const pools = new BackendPools();
    opened.push(pools as unknown as UpstreamSet);
    const options = { origins: [leaving.url, staying.url], settings: settings({ probePath: '/readyz', probeIntervalMs: 20 }) };
    const messages = pools.upstreams({ integration: 'message', ...options });
    const disconnects = pools.upstreams({ integration: 'disconnect', ...options });
    draining = true;
    // Only the message integration meets the drain signal…
    expect(await send(messages, 'm')).toEqual({ status: 200, text: 'echo:m' });
    // …and the disconnect integration stops sending there too, without a request of its own.
    expect(ejections).toEqual([
      { integration: 'message', origin: leaving.url, reason: 'draining' },
      { integration: 'disconnect', origin: leaving.url, reason: 'draining' },
    ]);
    for (let i = 0; i < 3; i += 1) expect(await send(disconnects, `d${i}`)).toEqual({ status: 200, text: `echo:d${i}` });
    expect(leaving.bodies.filter((b) => b !== '')).toEqual(['m']);
    // Once ready again, each set's own probe brings it back.
    const returns = recordChannel('switchboard:upstream:return');
    draining = false;
    await vi.waitFor(() => {
      expect(new Set(returns.map((r) => (r as { integration: string }).integration))).toEqual(new Set(['message', 'disconnect']));
    });
  });

  it('probes an ejected upstream and brings it back once its probe path answers 2xx', async () => {
    const [flaky, steady] = await Promise.all([replica(), replica()]);
    let ready = false;
    flaky.handle((req, res, body) => {
      if (req.url === '/readyz') {
        res.writeHead(ready ? 200 : 503);
        res.end();
      } else if (!ready) {
        res.writeHead(503, { 'x-switchboard-draining': '1' });
        res.end();
      } else res.end(`echo:${body}`);
    });
    const returns = recordChannel('switchboard:upstream:return');
    const set = upstreamSet([flaky.url, steady.url], { probeIntervalMs: 20, probePath: '/readyz' });
    expect((await send(set, 'a')).text).toBe('echo:a');
    expect(set.upstreams.find((u) => u.origin === flaky.url)?.ejected).toBe(true);
    ready = true;
    await vi.waitFor(() => {
      expect(returns).toEqual([{ integration: 'test', origin: flaky.url }]);
    });
    await send(set, 'b');
    await send(set, 'c');
    expect(flaky.bodies.filter((b) => b !== '')).toEqual(['a', expect.stringMatching(/^[bc]$/)]);
  });

  it('re-resolves a hostname and uses every address it returns, with the hostname as Host', async () => {
    const live = await replica();
    let host: string | undefined;
    live.handle((req, res, body) => {
      host = req.headers.host;
      res.end(`echo:${body}`);
    });
    const set = upstreamSet([`http://localhost:${live.port}`], { dnsRefreshMs: 50 });
    await vi.waitFor(() => {
      expect(set.upstreams.map((u) => u.origin)).toContain(`http://127.0.0.1:${live.port}`);
    });
    // localhost may also be ::1, where nothing listens: that address is refused and skipped.
    for (let i = 0; i < 3; i += 1) expect((await send(set, `d${i}`)).text).toBe(`echo:d${i}`);
    expect(host).toBe(`localhost:${live.port}`);
  });

  it('recycles keep-alive connections after a number of requests, and by age', async () => {
    const byCount = await replica();
    const counted = upstreamSet([byCount.url], { maxRequestsPerConnection: 2, maxConnectionAgeMs: 0 });
    for (let i = 0; i < 6; i += 1) await send(counted, `c${i}`);
    expect(Math.max(...byCount.perSocket.values())).toBe(2);
    expect(byCount.sockets.size).toBeGreaterThanOrEqual(3);

    const one = await replica();
    const single = upstreamSet([one.url], { maxRequestsPerConnection: 1, maxConnectionAgeMs: 0 });
    for (let i = 0; i < 3; i += 1) await send(single, `s${i}`);
    expect([...one.perSocket.values()]).toEqual([1, 1, 1]);

    const byAge = await replica();
    const aged = upstreamSet([byAge.url], { maxRequestsPerConnection: 0, maxConnectionAgeMs: 60_000 });
    await send(aged, 'a0');
    await send(aged, 'a1');
    // The clock moves past the maximum age: the next request goes on a connection never used before.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      await send(aged, 'a2');
    } finally {
      vi.useRealTimers();
    }
    const [first, second, third] = byAge.socketOf;
    expect(third).toBeDefined();
    expect([first, second]).not.toContain(third);
    // The retired pool closes its idle connections.
    await vi.waitFor(() => {
      expect([first?.destroyed, second?.destroyed]).toEqual([true, true]);
    });
  });
});

describe('a gateway integration with several uris', () => {
  it('answers every message through the live upstream when another refuses: no error frame', async () => {
    const live = await replica();
    live.handle((req, res, body) => {
      res.end(req.url === '/message' ? `echo:${body}` : '');
    });
    const dead = await unusedUrl();
    await using gateway = await startTestGateway({
      integrations: { message: { uri: `${dead}/message`, uris: [`${live.url}/message`] } },
      routes: { $default: { integration: 'message', twoWay: true } },
    });
    await using client = await connectClient(gateway.url());
    for (let i = 0; i < 5; i += 1) {
      client.send(`hi${i}`);
      expect(await client.next()).toBe(`echo:hi${i}`);
    }
  });

  it('does the same for HTTP (mapping template) and AWS_PROXY-over-HTTP integrations', async () => {
    const live = await replica();
    live.handle((req, res, body) => {
      if (req.url === '/lambda') {
        const event = JSON.parse(body) as { body: string };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ statusCode: 200, body: `lambda:${event.body}` }));
      } else res.end(`template:${body}`);
    });
    const dead = await unusedUrl();
    await using gateway = await startTestGateway({
      integrations: {
        template: { type: 'HTTP', uri: `${dead}/template`, uris: [`${live.url}/template`], requestTemplates: { $default: '$input.body' } },
        lambda: { type: 'AWS_PROXY', uri: `${dead}/lambda`, uris: [`${live.url}/lambda`] },
      },
      routes: { $default: { integration: 'template', twoWay: true }, viaLambda: { integration: 'lambda', twoWay: true } },
    });
    await using client = await connectClient(gateway.url());
    client.send('{"x":1}');
    expect(await client.next()).toBe('template:{"x":1}');
    client.send('{"action":"viaLambda"}');
    expect(await client.next()).toBe('lambda:{"action":"viaLambda"}');
  });

  it('refuses uris whose path differs from uri', async () => {
    await expect(
      startTestGateway({
        integrations: { message: { uri: 'http://127.0.0.1:1/message', uris: ['http://127.0.0.1:2/other'] } },
        routes: { $default: { integration: 'message' } },
      }),
    ).rejects.toMatchObject({ code: 'SWB_ERR_CONFIG_INVALID' });
  });
});
