// A slow backend and clients that keep sending: what the gateway queues for them is bounded per
// connection in bytes (dispatch.maxQueuedBytes) and across the node (dispatch.maxQueuedBytesTotal),
// by pausing reading (nothing is lost for clients that stay), and a closed client's queue leaves the
// node's count once delivered or dropped. The figures asserted are the gateway's own queued-bytes
// count (`gateway.dispatchQueue`, the `switchboard_dispatch_queued_bytes` gauge), sampled every ms.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startTestBackend, type RecordedRequest, type TestBackend } from '../helpers/backend.js';
import { collectMessages, connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const KB = 1024;
const MESSAGE_BYTES = 16 * KB;
/** What the gateway may read past a bound before the pause takes effect: the chunk being read (Node reads up to 64 KB at once) and the frame it ends in. */
const READ_SLACK = 64 * KB + MESSAGE_BYTES;

/** A backend whose message replies wait until `release()`; from then on it echoes at once. */
async function gatedBackend(): Promise<TestBackend & { release(): void }> {
  const held: [RecordedRequest, ServerResponse][] = [];
  let open = false;
  const answer = (request: RecordedRequest, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(request.path.startsWith('/message') ? request.body.subarray(0, 24) : '');
  };
  const backend = await startTestBackend((request, response) => {
    if (!open && request.path.startsWith('/message')) held.push([request, response]);
    else answer(request, response);
  });
  return Object.assign(backend, {
    release() {
      open = true;
      for (const [request, response] of held.splice(0)) answer(request, response);
    },
  });
}

/** A 16 KB message whose first 24 bytes name it (the backend echoes those). */
function message(client: number, index: number): string {
  const name = `c${String(client).padStart(3, '0')}m${String(index).padStart(4, '0')}`.padEnd(24, '.');
  return name + 'x'.repeat(MESSAGE_BYTES - name.length);
}

/** Polls an observable condition (there is no event for it) every 5 ms, failing after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The largest queued-bytes figure of the gateway, sampled every millisecond until stopped. */
function sampleQueued(gateway: TestGateway): { readonly max: number; stop(): void } {
  const sample = { max: 0, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    sample.max = Math.max(sample.max, gateway.gateway.dispatchQueue.queuedBytes);
  }, 1);
  return sample;
}

async function scrape(gateway: TestGateway, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${gateway.adminPort}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no ${name} in /metrics`);
  return Number(line.slice(name.length + 1));
}

describe('dispatch queues: bounded in bytes', () => {
  it('pauses reading at dispatch.maxQueuedBytes, holds no more than that plus one read, and loses nothing', async () => {
    await using backend = await gatedBackend();
    const maxQueuedBytes = 64 * KB;
    await using gateway = await startTestGateway({ ...routesTo(backend.url), dispatch: { maxQueued: 1000, maxQueuedBytes } });
    await using client = await connectClient(gateway.url());
    const received = collectMessages(client);
    const sample = sampleQueued(gateway);
    const count = 60; // 960 KB: without the byte bound, all of it would be queued (the count bound is 1000)
    for (let m = 0; m < count; m++) client.send(message(0, m));
    const [connection] = gateway.gateway.registry.values();
    if (connection === undefined) throw new Error('no connection');
    await backend.next('/message');
    await until(() => connection.paused && client.ws.bufferedAmount === 0, 'the gateway paused reading and the client has written everything');
    expect(connection.queuedBytes).toBeGreaterThanOrEqual(maxQueuedBytes);
    expect(connection.queuedBytes).toBeLessThanOrEqual(maxQueuedBytes + READ_SLACK);
    expect(connection.queue?.length).toBeLessThan(count - 1);
    backend.release();
    await until(() => received.length === count, `all ${count} replies arrived`);
    sample.stop();
    expect(received).toEqual(Array.from({ length: count }, (_, m) => message(0, m).slice(0, 24)));
    expect(sample.max).toBeLessThanOrEqual(maxQueuedBytes + READ_SLACK);
    expect(gateway.gateway.dispatchQueue.queuedBytes).toBe(0);
    expect(connection.queuedBytes).toBe(0);
  });

  it('memory bomb: many clients with large messages and a stalled backend stay within dispatch.maxQueuedBytesTotal, and every reply arrives', async () => {
    await using backend = await gatedBackend();
    const total = 512 * KB;
    await using gateway = await startTestGateway({ ...routesTo(backend.url), dispatch: { maxQueued: 1000, maxQueuedBytes: 512 * KB, maxQueuedBytesTotal: total } });
    const clients = await Promise.all(Array.from({ length: 20 }, () => connectClient(gateway.url())));
    const received = clients.map(collectMessages);
    const sample = sampleQueued(gateway);
    const count = 40; // 20 clients × 40 × 16 KB = 12.5 MB sent at a backend that answers nothing
    for (const [n, client] of clients.entries()) for (let m = 0; m < count; m++) client.send(message(n, m));
    const connections = [...gateway.gateway.registry.values()];
    await until(() => backend.requests.filter((r) => r.path === '/message').length === clients.length, 'every client has a message at the backend');
    await until(() => gateway.gateway.dispatchQueue.queuedBytes >= total && connections.every((c) => c.paused || c.queue?.length === count - 1), 'the budget is full and every client is paused or queued everything');
    const pausedForBudget = connections.filter((c) => c.paused && c.queuedBytes < 512 * KB).length;
    expect(pausedForBudget).toBeGreaterThan(0);
    expect(await scrape(gateway, 'switchboard_dispatch_queued_bytes')).toBe(gateway.gateway.dispatchQueue.queuedBytes);
    backend.release();
    for (const [n, got] of received.entries()) {
      await until(() => got.length === count, `client ${n} got its ${count} replies`);
      expect(got).toEqual(Array.from({ length: count }, (_, m) => message(n, m).slice(0, 24)));
    }
    sample.stop();
    // Bounded: the budget, plus what each connection read before its pause took effect; the per-connection bound alone would allow 20 × 512 KB.
    expect(sample.max).toBeGreaterThanOrEqual(total);
    expect(sample.max).toBeLessThanOrEqual(total + clients.length * READ_SLACK);
    expect(gateway.gateway.dispatchQueue.queuedBytes).toBe(0);
    expect(gateway.gateway.dispatchQueue.droppedMessages).toBe(0);
    for (const client of clients) await client.close();
  });

  it('a closed client’s queued messages still reach the backend, and the node’s count returns to 0 (no leak)', async () => {
    await using backend = await gatedBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), dispatch: { maxQueued: 1000 } });
    const count = 8; // below every bound: the close frame behind them is read at once
    for (let n = 0; n < 5; n++) {
      const client = await connectClient(gateway.url());
      for (let m = 0; m < count; m++) client.send(message(n, m));
      await client.close();
    }
    await until(() => backend.requests.filter((r) => r.path === '/message').length === 5, 'each closed client has a message at the backend');
    await until(() => gateway.gateway.registry.size === 0, 'the gateway saw every close');
    expect(gateway.gateway.dispatchQueue.queuedBytes).toBe(5 * (count - 1) * MESSAGE_BYTES);
    backend.release();
    for (let n = 0; n < 5; n++) await backend.next('/disconnect');
    const delivered = backend.requests.filter((r) => r.path === '/message').map((r) => r.body.subarray(0, 24).toString());
    expect(delivered.sort()).toEqual(Array.from({ length: 5 * count }, (_, k) => message(Math.floor(k / count), k % count).slice(0, 24)).sort());
    expect(gateway.gateway.dispatchQueue.queuedBytes).toBe(0);
    expect(gateway.gateway.dispatchQueue.droppedMessages).toBe(0);
  });

  it('drops closed clients’ queues first when open clients need the budget, counts them, and still sends every $disconnect', async () => {
    await using backend = await gatedBackend();
    const total = 512 * KB;
    await using gateway = await startTestGateway({ ...routesTo(backend.url), dispatch: { maxQueued: 1000, maxQueuedBytes: 256 * KB, maxQueuedBytesTotal: total } });
    // Closers: each queues 7 × 16 KB behind one in flight, then closes; 4 of them hold 448 of the 512 KB.
    for (let n = 0; n < 4; n++) {
      const closer = await connectClient(gateway.url());
      for (let m = 0; m < 8; m++) closer.send(message(n, m));
      await closer.close();
    }
    await until(() => backend.requests.filter((r) => r.path === '/message').length === 4, 'each closer has a message at the backend');
    expect(gateway.gateway.dispatchQueue.queuedBytes).toBe(4 * 7 * MESSAGE_BYTES);
    // An open client now queues 12 × 16 KB: the budget fills, so closed queues make room first.
    await using open = await connectClient(gateway.url());
    const received = collectMessages(open);
    for (let m = 0; m < 13; m++) open.send(message(9, m));
    await until(() => backend.requests.filter((r) => r.path === '/message').length === 5 && gateway.gateway.dispatchQueue.droppedMessages > 0, 'closed queues were dropped');
    const [connection] = gateway.gateway.registry.values();
    await until(() => connection?.queue?.length === 12, 'the open client queued all its messages');
    expect(connection?.paused).toBe(false);
    const dropped = gateway.gateway.dispatchQueue.droppedMessages;
    expect(dropped % 7).toBe(0); // whole queues, oldest close first
    expect(gateway.gateway.dispatchQueue.queuedBytes).toBe(12 * MESSAGE_BYTES + (4 * 7 - dropped) * MESSAGE_BYTES);
    expect(await scrape(gateway, 'switchboard_dispatch_dropped_messages_total')).toBe(dropped);
    backend.release();
    await until(() => received.length === 13, 'the open client got its 13 replies');
    expect(received).toEqual(Array.from({ length: 13 }, (_, m) => message(9, m).slice(0, 24)));
    for (let n = 0; n < 4; n++) await backend.next('/disconnect');
    await until(() => backend.requests.filter((r) => r.path === '/message').length === 4 * 8 + 13 - dropped, 'every message not dropped reached the backend');
    expect(gateway.gateway.dispatchQueue.queuedBytes).toBe(0);
  });
});
