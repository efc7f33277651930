// Bad input, upgrades: slowloris, oversize or numerous headers, bad Sec-WebSocket-Key/Version, too
// many connections from one IP, browser origins outside the allow-list, garbage instead of HTTP.
// Each case asserts the exact answer and that the backend's $connect was not called for it.
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientOptions } from 'ws';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { connectClient, refusedStatus, type TestClient } from '../helpers/client.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { rawExchange } from '../helpers/raw-http.js';

let backend: TestBackend;
let gateway: TestGateway;
let bystander: TestClient;

beforeAll(async () => {
  backend = await startTestBackend();
  gateway = await startTestGateway({ ...routesTo(backend.url), timeouts: { handshakeMs: 300 } });
  bystander = await connectClient(gateway.url());
});

afterAll(async () => {
  await bystander.close();
  await gateway.close();
  await backend.close();
});

async function bystanderStillServed(): Promise<void> {
  const text = `still here ${Math.random()}`;
  bystander.send(text);
  expect(await bystander.next()).toBe(text);
}

/** The status and body of a refused handshake (the ws client sends `options.origin` as the Origin header). */
async function refusedWith(url: string, options: ClientOptions): Promise<{ status: number; body: string }> {
  try {
    const client = await connectClient(url, undefined, options);
    await client.close();
  } catch (error) {
    const { status, body } = error as { status?: number; body?: string };
    if (status !== undefined) return { status, body: body ?? '' };
    throw error;
  }
  throw new Error('the handshake was accepted');
}

function connectCalls(): number {
  return backend.requests.filter((r) => r.path === '/connect').length;
}

function upgradeRequest(headers: Record<string, string | undefined>, path = '/dev', method = 'GET'): string {
  const all: Record<string, string | undefined> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}: ${value}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** The status line of the answer to a raw request. */
async function statusOf(request: string): Promise<string> {
  const answer = await rawExchange(gateway.clientPort, request, '\r\n\r\n');
  return answer.split('\r\n', 1)[0] ?? '';
}

describe('bad input: slowloris upgrades (timeouts.handshakeMs)', () => {
  it('answers 408 and closes a connection whose headers never complete', async () => {
    const socket = connect(gateway.clientPort, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const started = Date.now();
    socket.write('GET /dev HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.split('\r\n', 1)[0]).toBe('HTTP/1.1 408 Request Timeout');
    await bystanderStillServed();
  });

  it('does not let a client that drips a header byte at a time extend the deadline', async () => {
    const before = connectCalls();
    const socket = connect(gateway.clientPort, '127.0.0.1');
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => undefined);
    const started = Date.now();
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write('x');
    }, 50);
    socket.write('GET /dev HTTP/1.1\r\nX-Slow: ');
    await closed;
    clearInterval(drip);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(connectCalls()).toBe(before);
  });

  it('opens connections whose upgrade completes in time, with the timer cleared (no 408 later)', async () => {
    await using client = await connectClient(gateway.url());
    await new Promise((resolve) => setTimeout(resolve, 400)); // past handshakeMs: the deadline must not fire on an open connection
    client.send('in time');
    expect(await client.next()).toBe('in time');
  });
});

describe('bad input: oversize and numerous headers', () => {
  it('answers 431 to one header over 16 KB', async () => {
    const before = connectCalls();
    expect(await statusOf(upgradeRequest({ 'X-Big': 'a'.repeat(20_000) }))).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(connectCalls()).toBe(before);
    await bystanderStillServed();
  });

  it('answers 431 to 10,000 small headers', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) headers[`x-h${i}`] = '1';
    const before = connectCalls();
    expect(await statusOf(upgradeRequest(headers))).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(connectCalls()).toBe(before);
  });

  it('answers 400 to a request line that is not HTTP', async () => {
    expect(await statusOf('\x16\x03\x01 not http at all\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    await bystanderStillServed();
  });
});

describe('bad input: Sec-WebSocket-Key and Sec-WebSocket-Version', () => {
  it.each([
    ['a missing key', { 'Sec-WebSocket-Key': undefined }],
    ['a key that is not 16 bytes of base64', { 'Sec-WebSocket-Key': 'c2hvcnQ=' }],
    ['a key with characters outside base64', { 'Sec-WebSocket-Key': '!!!!!!!!!!!!!!!!!!!!!!==' }],
    ['version 12', { 'Sec-WebSocket-Version': '12' }],
    ['no version', { 'Sec-WebSocket-Version': undefined }],
    ['a non-numeric version', { 'Sec-WebSocket-Version': 'thirteen' }],
    ['Upgrade: h2c', { Upgrade: 'h2c' }],
  ])('refuses %s with 400 before $connect', async (_name, headers) => {
    const before = connectCalls();
    expect(await statusOf(upgradeRequest(headers))).toBe('HTTP/1.1 400 Bad Request');
    expect(connectCalls()).toBe(before);
  });

  it('refuses a POST upgrade with 400', async () => {
    expect(await statusOf(upgradeRequest({}, '/dev', 'POST'))).toBe('HTTP/1.1 400 Bad Request');
  });

  it('refuses an unknown stage and a path with more segments with 403', async () => {
    expect(await statusOf(upgradeRequest({}, '/nope'))).toBe('HTTP/1.1 403 Forbidden');
    expect(await statusOf(upgradeRequest({}, '/dev/../../etc/passwd'))).toBe('HTTP/1.1 403 Forbidden');
  });
});

describe('security: connections per IP (security.maxConnectionsPerIp)', () => {
  it('refuses the connection over the cap with 429 before $connect, and admits one again after a close', async () => {
    await using ownBackend = await startTestBackend();
    await using capped = await startTestGateway({ ...routesTo(ownBackend.url), security: { maxConnectionsPerIp: 2 } });
    const first = await connectClient(capped.url());
    await using second = await connectClient(capped.url());
    const refused = await refusedStatus(capped.url());
    expect(refused).toEqual({ status: 429, body: '{"message":"Too Many Requests"}' });
    expect(ownBackend.requests.filter((r) => r.path === '/connect')).toHaveLength(2);
    await first.close();
    await using third = await connectClient(capped.url());
    third.send('admitted');
    expect(await third.next()).toBe('admitted');
    second.send('still open');
    expect(await second.next()).toBe('still open');
  });

  it('counts upgrades still waiting for $connect, and frees their slot when they are refused', async () => {
    await using ownBackend = await startTestBackend((request, response) => {
      if (request.path === '/connect') {
        setTimeout(() => {
          response.writeHead(403);
          response.end();
        }, 200);
        return;
      }
      response.writeHead(200);
      response.end();
    });
    await using capped = await startTestGateway({ ...routesTo(ownBackend.url), security: { maxConnectionsPerIp: 1 } });
    const slow = refusedStatus(capped.url());
    await ownBackend.next('/connect');
    expect((await refusedStatus(capped.url())).status).toBe(429);
    expect((await slow).status).toBe(403);
    ownBackend.handle((_request, response) => {
      response.writeHead(200);
      response.end();
    });
    await using admitted = await connectClient(capped.url());
    expect(admitted.ws.readyState).toBe(admitted.ws.OPEN);
  });

  it('is off with 0', async () => {
    await using open = await startTestGateway({ security: { maxConnectionsPerIp: 0 } });
    const clients = await Promise.all(Array.from({ length: 20 }, () => connectClient(open.url())));
    expect(clients.every((c) => c.ws.readyState === c.ws.OPEN)).toBe(true);
    await Promise.all(clients.map((c) => c.close()));
  });
});

describe('security: browser origins (security.allowedOrigins)', () => {
  let guarded: TestGateway;
  let guardedBackend: TestBackend;
  beforeAll(async () => {
    guardedBackend = await startTestBackend();
    guarded = await startTestGateway({ ...routesTo(guardedBackend.url), security: { allowedOrigins: ['https://app.example.com', 'https://*.example.org'] } });
  });
  afterAll(async () => {
    await guarded.close();
    await guardedBackend.close();
  });

  it.each([
    ['https://evil.example.net'],
    ['https://app.example.com.evil.net'],
    ['http://app.example.com'],
    ['https://example.org'],
    ['null'],
  ])('refuses Origin %s with 403 before $connect', async (origin) => {
    const before = guardedBackend.requests.filter((r) => r.path === '/connect').length;
    const refused = await refusedWith(guarded.url(), { origin });
    expect(refused).toEqual({ status: 403, body: '{"message":"Forbidden"}' });
    expect(guardedBackend.requests.filter((r) => r.path === '/connect')).toHaveLength(before);
  });

  it.each([['https://app.example.com'], ['HTTPS://APP.EXAMPLE.COM'], ['https://a.example.org'], ['https://b.c.example.org']])('admits Origin %s', async (origin) => {
    await using client = await connectClient(guarded.url(), undefined, { origin });
    client.send('hi');
    expect(await client.next()).toBe('hi');
  });

  it('counts the refusals in switchboard_client_error_total by stage and code', async () => {
    await expect(refusedWith(guarded.url(), { origin: 'https://counted.example.net' })).resolves.toMatchObject({ status: 403 });
    const metrics = await (await fetch(`http://127.0.0.1:${guarded.adminPort}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_client_error_total\{stage="dev",code="SWB_ERR_ORIGIN_NOT_ALLOWED"\} [1-9]/);
  });

  it('admits a client that sends no Origin (not a browser)', async () => {
    await using client = await connectClient(guarded.url());
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });
});
