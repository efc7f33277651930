// Slow consumers: clients that stop reading. Pushes above backpressure.highWaterBytes get 429
// LimitExceededException and are not sent; a send buffer above backpressure.maxBufferedBytes closes
// the connection with 1013; what the gateway holds for stalled clients stays under those limits.
// The kernel's socket buffers (several MB on loopback) fill first, so the tests push tens of MB.
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { collectMessages, connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const HIGH_WATER = 256 * 1024;
const MAX_BUFFERED = 1024 * 1024;
const PUSH_BYTES = 64 * 1024;

interface PushResult {
  readonly index: number;
  readonly status: number;
  readonly errorType: string | null;
}

function push(gateway: TestGateway, id: string, index: number): Promise<PushResult> {
  const body = `${String(index).padStart(6, '0')}${'p'.repeat(PUSH_BYTES - 6)}`;
  return fetch(`http://127.0.0.1:${gateway.adminPort}/dev/@connections/${encodeURIComponent(id)}`, { method: 'POST', body }).then(async (response) => {
    await response.arrayBuffer();
    return { index, status: response.status, errorType: response.headers.get('x-amzn-errortype') };
  });
}

/** The largest send buffer of any connection and their sum, sampled every millisecond until stopped. */
function sampleBuffers(gateway: TestGateway): { readonly max: number; readonly maxTotal: number; stop(): void } {
  const sample = { max: 0, maxTotal: 0, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    let total = 0;
    for (const connection of gateway.gateway.registry.values()) {
      const buffered = connection.socket.bufferedAmount;
      total += buffered;
      sample.max = Math.max(sample.max, buffered);
    }
    sample.maxTotal = Math.max(sample.maxTotal, total);
  }, 1);
  return sample;
}

describe('backpressure: slow consumers', () => {
  it('answers 429 LimitExceededException above the high-water mark, sends nothing for it, and delivers every accepted push', async () => {
    await using gateway = await startTestGateway({ backpressure: { highWaterBytes: HIGH_WATER, maxBufferedBytes: MAX_BUFFERED } });
    const stalled = await Promise.all([0, 1, 2].map(() => connectClient(gateway.url())));
    const received = stalled.map(collectMessages);
    for (const client of stalled) client.ws.pause(); // stops reading: the kernel buffers fill, then the gateway's
    const ids = [...gateway.gateway.registry.values()].map((connection) => connection.id);
    const sample = sampleBuffers(gateway);
    // Waves of pushes to every client until each has been refused once: while the kernel absorbs,
    // a wave settles with 200s; once a client's buffer is over the high-water mark, 429s come at once.
    const results: PushResult[][] = ids.map(() => []);
    const all: Promise<PushResult>[][] = ids.map(() => []);
    let index = 0;
    while (results.some((list) => !list.some((r) => r.status === 429))) {
      if (index > 2000) throw new Error('no 429 after 2000 pushes');
      const wave = ids.map((id, n) => {
        const pushes = Array.from({ length: 20 }, (_, k) => push(gateway, id, index + k));
        for (const p of pushes) {
          all[n]?.push(p);
          void p.then((r) => results[n]?.push(r)).catch(() => undefined);
        }
        return pushes;
      });
      index += 20;
      const refusedNow = wave.flat().map((p) => p.then((r) => (r.status === 429 ? r : new Promise<never>(() => undefined))));
      await Promise.race([Promise.all(wave.flat()), Promise.race(refusedNow)]);
    }
    const count = index;
    sample.stop();
    for (const client of stalled) client.ws.resume();
    for (const [n, pushes] of all.entries()) {
      const settled = await Promise.all(pushes);
      const accepted = settled.filter((r) => r.status === 200).map((r) => r.index);
      const refused = settled.filter((r) => r.status === 429);
      expect(accepted.length + refused.length).toBe(count);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((r) => r.errorType === 'LimitExceededException')).toBe(true);
      // Nothing lost, nothing extra: the client receives exactly the accepted pushes (concurrent
      // requests have no order among themselves, so the sets are compared).
      const client = stalled[n];
      if (client === undefined) throw new Error('no client');
      while ((received[n]?.length ?? 0) < accepted.length) await new Promise((resolve) => client.ws.once('message', resolve));
      expect(received[n]?.map((text) => Number(text.slice(0, 6))).sort((a, b) => a - b)).toEqual(accepted.sort((a, b) => a - b));
    }
    // Bounded: a push is accepted only below the high-water mark, so a buffer holds at most that plus one frame.
    expect(sample.max).toBeLessThanOrEqual(HIGH_WATER + PUSH_BYTES + 16);
    expect(sample.maxTotal).toBeLessThanOrEqual(3 * (HIGH_WATER + PUSH_BYTES + 16));
    for (const client of stalled) await client.close();
  });

  it('the AWS SDK sees LimitExceededException', async () => {
    await using gateway = await startTestGateway({ backpressure: { highWaterBytes: 1, maxBufferedBytes: MAX_BUFFERED } });
    await using client = await connectClient(gateway.url());
    client.ws.pause();
    const [connection] = gateway.gateway.registry.values();
    const id = connection?.id ?? '';
    const sdk = new ApiGatewayManagementApiClient({ endpoint: `http://127.0.0.1:${gateway.adminPort}/dev`, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    let refusal: unknown;
    const pending: Promise<void>[] = [];
    const never = new Promise<void>(() => undefined);
    while (refusal === undefined) {
      if (pending.length > 2000) throw new Error('no refusal after 2000 pushes');
      const wave = Array.from({ length: 20 }, () =>
        sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(PUSH_BYTES, 0x61) })).then(
          () => undefined,
          (error: unknown) => {
            refusal ??= error;
          },
        ),
      );
      pending.push(...wave);
      // The wave settled (the kernel took it all), or one push was refused (the rest wait for the client).
      await Promise.race([Promise.all(wave), ...wave.map((sent) => sent.then(() => (refusal === undefined ? never : undefined)))]);
    }
    expect(refusal).toMatchObject({ name: 'LimitExceededException', $metadata: { httpStatusCode: 429 } });
    client.ws.resume();
    await Promise.allSettled(pending);
    sdk.destroy();
  });

  it('closes a client whose send buffer passes maxBufferedBytes with 1013, and $disconnect reports 1013', async () => {
    const reply = 'r'.repeat(64 * 1024);
    await using backend = await startTestBackend((request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(request.path.startsWith('/message') ? reply : '');
    });
    await using gateway = await startTestGateway({ ...routesTo(backend.url), backpressure: { highWaterBytes: HIGH_WATER, maxBufferedBytes: MAX_BUFFERED } });
    await using bystander = await connectClient(gateway.url());
    const client = await connectClient(gateway.url());
    client.ws.pause();
    const sample = sampleBuffers(gateway);
    // Replies are not refused like pushes: 600 × 64 KB = 38 MB of replies for a client that reads none.
    for (let i = 0; i < 600; i++) client.send(`m${i}`);
    // The gateway starts the close at once; the client sees it once it reads again (ws waits for the
    // client's answer, at most its 30 s close timeout, before it destroys the socket).
    const connection = [...gateway.gateway.registry.values()].at(-1);
    if (connection === undefined) throw new Error('no connection');
    // No event marks the start of a close, so the test looks every 5 ms.
    while (!connection.socket.closing) await new Promise((resolve) => setTimeout(resolve, 5));
    sample.stop();
    expect(connection.closeRequested).toEqual({ code: 1013, reason: 'Client reads too slowly' });
    client.ws.resume();
    expect((await client.closed).code).toBe(1013);
    const disconnect = await backend.next('/disconnect');
    expect(disconnect.headers['x-switchboard-disconnect-status-code']).toBe('1013');
    // The buffer passed the hard limit by at most one reply frame before the close.
    expect(sample.max).toBeLessThanOrEqual(MAX_BUFFERED + 64 * 1024 + 16);
    bystander.send('unaffected');
    expect(await bystander.next()).toBe(reply);
  });
});
