// Gateway node fault: SIGTERM under load. A real `switchboard gateway` process gets SIGTERM while 20
// clients have messages in flight and queued; every message it had accepted is answered before the
// clients are closed with 1001 (within shutdown.drainMs), and the process exits 0. Messages still
// queued when the drain window ends reach the backend all the same, before `$disconnect`
// (docs/operations.md, "Signals"). The gateway's own queued-bytes gauge shows they were queued.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';

let running: GatewayProcess[] = [];

afterEach(async () => {
  await Promise.all(running.map((gateway) => gateway.stop()));
  running = [];
});

/** Starts `switchboard gateway` on free ports, routing every message (two-way) and $disconnect to `backend`. */
async function startGateway(backend: TestBackend, shutdown: string): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess(
    [
      `shutdown: ${shutdown}`,
      'routes: { $default: { integration: message, twoWay: true }, $disconnect: { integration: disconnect } }',
      `integrations: { message: { uri: "${backend.url}/message" }, disconnect: { uri: "${backend.url}/disconnect" } }`,
    ].join('\n'),
    { logLevel: 'warn' },
  );
  running.push(gateway);
  return gateway;
}

/** The gateway process's queued-bytes gauge (`switchboard_dispatch_queued_bytes`), from its /metrics. */
async function queuedBytes(gateway: GatewayProcess): Promise<number> {
  const text = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith('switchboard_dispatch_queued_bytes '));
  if (line === undefined) throw new Error('no switchboard_dispatch_queued_bytes in /metrics');
  return Number(line.split(' ')[1]);
}

/**
 * A backend that answers each message after `delayMs`, but holds every message until `release()`,
 * so that a test can look at the gateway's queues while nothing moves.
 */
async function heldBackend(delayMs: number): Promise<TestBackend & { release(): void }> {
  const held: (() => void)[] = [];
  let open = false;
  const backend = await startTestBackend((request, response) => {
    const answer = () =>
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(request.path.startsWith('/message') ? `reply to ${request.body.toString().slice(0, 8)}` : '');
      }, request.path.startsWith('/message') ? delayMs : 0);
    if (open || !request.path.startsWith('/message')) answer();
    else held.push(answer);
  });
  return Object.assign(backend, {
    release() {
      open = true;
      for (const answer of held.splice(0)) answer();
    },
  });
}

/** Polls an observable condition of the gateway process (no event tells the test) every 10 ms. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** True once the gateway process has taken the signal: readiness answers 503. */
async function draining(gateway: GatewayProcess): Promise<boolean> {
  return (await fetch(`${gateway.adminUrl}/readyz`)).status === 503;
}

describe('faults: SIGTERM under load', () => {
  it('answers every accepted message before closing clients with 1001, and exits 0', async () => {
    await using backend = await startTestBackend((request, response) => {
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(request.path.startsWith('/message') ? `reply to ${request.body.toString()}` : '');
      }, request.path.startsWith('/message') ? 100 : 0);
    });
    const gateway = await startGateway(backend, '{ drainMs: 2000, disconnectFlushMs: 2000 }');
    const clients = await Promise.all(Array.from({ length: 20 }, () => connectClient(gateway.clientUrl)));
    const replies = clients.map((client) => {
      const got: string[] = [];
      client.ws.on('message', (data: Buffer) => got.push(data.toString()));
      return got;
    });
    // Three messages each: one in flight, two queued (dispatch.concurrency 1), 300 ms of work per client.
    for (const [n, client] of clients.entries()) for (let m = 0; m < 3; m++) client.send(`c${n}m${m}`);
    // Accepted: the gateway has handed the first message of every client to the backend.
    while (backend.requests.filter((r) => r.path === '/message').length < clients.length) await backend.next('/message');
    gateway.signal('SIGTERM');
    const closes = await Promise.all(clients.map((client) => client.closed));
    expect(closes.every((close) => close.code === 1001)).toBe(true);
    for (const [n, got] of replies.entries()) expect(got).toEqual([0, 1, 2].map((m) => `reply to c${n}m${m}`));
    expect(await gateway.exitCode).toBe(0);
    expect(backend.requests.filter((r) => r.path === '/disconnect')).toHaveLength(20);
  });

  it('delivers messages queued when SIGTERM arrives, and sends their replies, within the drain window', async () => {
    const payload = 'q'.repeat(1000);
    await using backend = await heldBackend(150);
    const gateway = await startGateway(backend, '{ drainMs: 5000, disconnectFlushMs: 2000 }');
    const clients = await Promise.all(Array.from({ length: 10 }, () => connectClient(gateway.clientUrl)));
    const replies = clients.map((client) => {
      const got: string[] = [];
      client.ws.on('message', (data: Buffer) => got.push(data.toString()));
      return got;
    });
    // Four messages each (dispatch.concurrency 1): one in flight, three queued, 600 ms of work per client.
    const name = (n: number, m: number) => `c${String(n).padStart(2, '0')}m${m}`.padEnd(8, '.');
    for (const [n, client] of clients.entries()) for (let m = 0; m < 4; m++) client.send(name(n, m) + payload.slice(8));
    while (backend.requests.filter((r) => r.path === '/message').length < clients.length) await backend.next('/message');
    // Queued, not yet sent: the gateway's own figure says so (the backend holds the first messages).
    await until(async () => (await queuedBytes(gateway)) === clients.length * 3 * 1000, 'the gateway queued three messages per client');
    expect(backend.requests.filter((r) => r.path === '/message')).toHaveLength(clients.length);
    gateway.signal('SIGTERM');
    await until(() => draining(gateway), 'the gateway took SIGTERM');
    backend.release();
    const closes = await Promise.all(clients.map((client) => client.closed));
    expect(closes.every((close) => close.code === 1001)).toBe(true);
    for (const [n, got] of replies.entries()) expect(got).toEqual([0, 1, 2, 3].map((m) => `reply to ${name(n, m)}`));
    expect(await gateway.exitCode).toBe(0);
    expect(backend.requests.filter((r) => r.path === '/message')).toHaveLength(40);
    expect(backend.requests.filter((r) => r.path === '/disconnect')).toHaveLength(10);
  });

  it('still delivers queued messages to the backend when the drain window ends first, then sends $disconnect', async () => {
    await using backend = await heldBackend(300);
    const gateway = await startGateway(backend, '{ drainMs: 100, disconnectFlushMs: 10000 }');
    const clients = await Promise.all(Array.from({ length: 5 }, () => connectClient(gateway.clientUrl)));
    for (const [n, client] of clients.entries()) for (let m = 0; m < 4; m++) client.send(`c${n}m${m}`);
    while (backend.requests.filter((r) => r.path === '/message').length < clients.length) await backend.next('/message');
    await until(async () => (await queuedBytes(gateway)) === clients.length * 3 * 4, 'the gateway queued three messages per client');
    gateway.signal('SIGTERM');
    await until(() => draining(gateway), 'the gateway took SIGTERM');
    backend.release();
    // The drain window (100 ms) ends while each client still has messages queued (1.2 s of work).
    const closes = await Promise.all(clients.map((client) => client.closed));
    expect(closes.every((close) => close.code === 1001)).toBe(true);
    expect(await gateway.exitCode).toBe(0);
    const delivered = backend.requests.filter((r) => r.path === '/message').map((r) => r.body.toString());
    expect(delivered.sort()).toEqual(clients.flatMap((_, n) => [0, 1, 2, 3].map((m) => `c${n}m${m}`)).sort());
    // $disconnect comes after the connection's last message.
    for (let n = 0; n < clients.length; n++) {
      const id = backend.requests.find((r) => r.path === '/message' && r.body.toString() === `c${n}m3`)?.headers['x-switchboard-connection-id'];
      const lastMessage = backend.requests.findIndex((r) => r.path === '/message' && r.body.toString() === `c${n}m3`);
      const disconnect = backend.requests.findIndex((r) => r.path === '/disconnect' && r.headers['x-switchboard-connection-id'] === id);
      expect(disconnect).toBeGreaterThan(lastMessage);
    }
  });
});
