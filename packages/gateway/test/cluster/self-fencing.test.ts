/**
 * Self-fencing, with two `switchboard gateway` processes on real Redis, then NATS. A node paused
 * (SIGSTOP) past its lease is counted gone by its peer (410); on SIGCONT it closes its clients (1001,
 * with $disconnect) before serving what they sent meanwhile, then serves new clients. A node cut off
 * from the bus (a proxy in front of the broker resets or stalls its connections) closes its clients
 * before its peer answers 410 for them, refuses new ones while cut off, and rejoins once the bus is
 * back.
 */
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { connectClient, refusedStatus, type TestClient } from '../helpers/client.js';
import { missingService, natsUrl, randomPrefix, redisUrl } from '../helpers/cluster-services.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { startTcpProxy, type CutMode } from '../helpers/tcp-proxy.js';

/** Resolves with `promise`, or rejects once `ms` passed without it settling. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function clusterYaml(kind: 'redis' | 'nats', prefix: string, busUrl: string, timing: { heartbeatMs: number; leaseMs: number }): string {
  const bus = kind === 'redis' ? `redis: { url: "${busUrl}" }` : `nats: { servers: ["${busUrl}"] }`;
  return `cluster: { bus: ${kind}, prefix: ${prefix}, ${bus}, heartbeatMs: ${timing.heartbeatMs}, leaseMs: ${timing.leaseMs}, ownerTimeoutMs: 300, reconnectMs: 50 }\n`;
}

function routesYaml(backend: TestBackend): string {
  return [
    'routes: { $connect: { integration: connect }, $disconnect: { integration: disconnect }, $default: { integration: message, twoWay: true } }',
    `integrations: { connect: { uri: "${backend.url}/connect" }, disconnect: { uri: "${backend.url}/disconnect" }, message: { uri: "${backend.url}/message" } }`,
    '',
  ].join('\n');
}

/** Connects to `node` and returns the client with the id its $connect call named. */
async function connectTo(node: GatewayProcess, backend: TestBackend): Promise<{ client: TestClient; id: string }> {
  const connected = backend.next('/connect');
  const client = await connectClient(node.clientUrl);
  const id = (await connected).headers['x-switchboard-connection-id'];
  if (typeof id !== 'string') throw new Error('the $connect call named no connection id');
  return { client, id };
}

function post(node: GatewayProcess, id: string, body: string): Promise<Response> {
  return fetch(`${node.adminUrl}/dev/@connections/${encodeURIComponent(id)}`, { method: 'POST', body });
}

/** Waits until `node` answers /readyz with 200 (it is not fenced). */
async function ready(node: GatewayProcess): Promise<void> {
  await vi.waitFor(
    async () => {
      expect((await fetch(`${node.adminUrl}/readyz`)).status).toBe(200);
    },
    { timeout: 10_000, interval: 50 },
  );
}

/** A new client on `node` is served (its message is echoed), and `peer` reaches it over the bus. */
async function servesNewClients(node: GatewayProcess, peer: GatewayProcess, backend: TestBackend): Promise<void> {
  await ready(node);
  const { client, id } = await connectTo(node, backend);
  client.send('after');
  expect(await within(client.next(), 10_000, 'echo on the rejoined node')).toBe('after');
  await vi.waitFor(
    async () => {
      expect((await post(peer, id, 'from the peer')).status).toBe(200);
    },
    { timeout: 10_000, interval: 100 },
  );
  expect(await within(client.next(), 10_000, 'push through the peer')).toBe('from the peer');
  await client.close();
}

/** Waits until a push for `id` through `node` is answered 200, and the client received it. */
async function reachableThrough(node: GatewayProcess, id: string, client: TestClient): Promise<void> {
  await vi.waitFor(
    async () => {
      expect((await post(node, id, 'before')).status).toBe(200);
    },
    { timeout: 10_000, interval: 50 },
  );
  expect(await client.next()).toBe('before');
}

for (const kind of ['redis', 'nats'] as const) {
  const missing = await missingService(kind);
  const sharedUrl = kind === 'redis' ? redisUrl : natsUrl;
  describe.skipIf(missing !== undefined)(`self-fencing on ${kind}${missing === undefined ? '' : ` (skipped: ${missing})`}`, () => {
    it('a node paused past its lease closes its clients on resume, before serving what they sent, then serves new clients', { timeout: 30_000 }, async () => {
      await using backend = await startTestBackend();
      const config = clusterYaml(kind, randomPrefix(), sharedUrl, { heartbeatMs: 100, leaseMs: 1000 }) + routesYaml(backend);
      await using a = await startGatewayProcess(config);
      await using b = await startGatewayProcess(config);
      const { client, id } = await connectTo(a, backend);
      await reachableThrough(b, id, client);

      a.signal('SIGSTOP');
      // Waits in a's socket while it is stopped.
      client.send('sent while paused');
      const statuses: number[] = [];
      await vi.waitFor(
        async () => {
          const response = await post(b, id, 'to a paused node');
          statuses.push(response.status);
          expect(response.status).toBe(410);
        },
        { timeout: 15_000, interval: 100 },
      );
      expect(statuses.every((status) => status === 504 || status === 410)).toBe(true);

      a.signal('SIGCONT');
      const closed = await within(client.closed, 10_000, 'close of the paused node’s client');
      expect(closed.code).toBe(1001);
      const disconnect = await within(backend.next('/disconnect'), 10_000, '$disconnect');
      expect(disconnect.headers['x-switchboard-connection-id']).toBe(id);
      // $disconnect comes after every message the gateway took from the client: this one it never took.
      const messages = backend.requests.filter((request) => request.path.startsWith('/message'));
      expect(messages.map((request) => request.body.toString())).not.toContain('sent while paused');
      const warning = JSON.parse(await within(a.waitForLine(/SWB_ERR_NODE_FENCED/), 10_000, 'fence warning')) as { level: number; silentMs: number };
      expect(warning.level).toBe(40);
      expect(warning.silentMs).toBeGreaterThanOrEqual(900);

      await servesNewClients(a, b, backend);
    });

    for (const mode of ['drop', 'stall'] as const satisfies readonly CutMode[]) {
      it(`a node cut off from the bus (${mode}) closes its clients before its peer answers 410, refuses new ones, and rejoins when the bus is back`, { timeout: 30_000 }, async () => {
        await using backend = await startTestBackend();
        await using proxy = await startTcpProxy(sharedUrl);
        const prefix = randomPrefix();
        // Fence 300 ms (one heartbeat) before the peer's lease ends: room for a loaded machine.
        const timing = { heartbeatMs: 300, leaseMs: 3000 };
        await using a = await startGatewayProcess(clusterYaml(kind, prefix, proxy.url, timing) + routesYaml(backend));
        await using b = await startGatewayProcess(clusterYaml(kind, prefix, sharedUrl, timing) + routesYaml(backend));
        // b must know a before the cut: a node it never heard of it cannot count gone for a lease.
        await within(b.waitForLine(/cluster node joined/), 10_000, 'b hearing a');
        const { client, id } = await connectTo(a, backend);
        await reachableThrough(b, id, client);
        proxy.cut(mode);
        const cutAt = Date.now();
        // Until the lease ends b cannot tell a cut-off node from a dead one: 503 or 504, never 410
        // while the client is still connected (a's close frame not yet received).
        const seen: { status: number; code: string | null; afterMs: number; clientOpen: boolean }[] = [];
        await vi.waitFor(
          async () => {
            const response = await post(b, id, 'to a cut-off node');
            seen.push({ status: response.status, code: response.headers.get('x-switchboard-error-code'), afterMs: Date.now() - cutAt, clientOpen: client.ws.readyState === WebSocket.OPEN });
            expect(response.status).toBe(410);
          },
          { timeout: 15_000, interval: 100 },
        );
        expect(seen.filter((answer) => answer.status === 410 && answer.clientOpen)).toEqual([]);
        expect(seen.every((answer) => [410, 503, 504].includes(answer.status))).toBe(true);
        expect(Date.now() - cutAt).toBeGreaterThanOrEqual(timing.leaseMs - timing.heartbeatMs);
        expect((await client.closed).code).toBe(1001);
        const disconnect = await within(backend.next('/disconnect'), 10_000, '$disconnect');
        expect(disconnect.headers['x-switchboard-connection-id']).toBe(id);

        // Still cut off: not ready, and new clients are refused.
        const readiness = await fetch(`${a.adminUrl}/readyz`);
        expect(readiness.status).toBe(503);
        expect(await readiness.json()).toEqual({ status: 'fenced' });
        expect((await refusedStatus(a.clientUrl)).status).toBe(503);

        proxy.restore();
        await servesNewClients(a, b, backend);
        expect(a.output).toMatch(/rejoined and accepts clients/);
      });
    }
  });
}
