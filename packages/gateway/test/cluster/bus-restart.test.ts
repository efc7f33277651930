/**
 * Bus faults with a private redis-server / nats-server on a free port: while it is down, calls for
 * this node's own connections keep working and cross-node calls fail fast with 503; once it is back,
 * the nodes reconnect by themselves and cross-node calls work again, with no gateway restart.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ClusterBus } from '../../src/cluster/cluster-bus.js';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { inCi, ownServer, randomPrefix } from '../helpers/cluster-services.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';
import { execFileSync } from 'node:child_process';

function hasBinary(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    if (inCi) throw new Error(`${name} is not installed; CI=true requires it`);
    return false;
  }
}

function availability(bus: ClusterBus, wanted: boolean): Promise<void> {
  if (bus.available === wanted) return Promise.resolve();
  return new Promise((resolve) => {
    bus.onAvailability((available) => {
      if (available === wanted) resolve();
    });
  });
}

for (const kind of ['redis', 'nats'] as const) {
  const binary = kind === 'redis' ? 'redis-server' : 'nats-server';
  const missing = hasBinary(binary) ? undefined : `${binary} is not installed`;
  describe.skipIf(missing !== undefined)(
    `a ${kind} restart${missing === undefined ? '' : ` (skipped: ${missing})`}`,
    () => {
      it('keeps local pushes working, fails cross-node calls fast with 503, and recovers without a gateway restart', async () => {
        await using server = await ownServer(kind);
        await using backend = await startTestBackend();
        const cluster = {
          bus: kind,
          prefix: randomPrefix(),
          redis: { url: server.url },
          nats: { servers: [server.url] },
          heartbeatMs: 100,
          // The outage must stay shorter than leaseMs - heartbeatMs, or the nodes fence themselves
          // and close their clients (self-fencing.test.ts): room for a slow broker restart.
          leaseMs: 6000,
          ownerTimeoutMs: 1000,
          reconnectMs: 50,
        };
        await using a = await startTestGateway({
          ...routesTo(backend.url),
          cluster: { ...cluster, nodeId: 'a' },
        });
        await using b = await startTestGateway({
          ...routesTo(backend.url),
          cluster: { ...cluster, nodeId: 'b' },
        });
        await vi.waitFor(() => expect(b.gateway.cluster.peers()).toHaveLength(1));
        await using client = await connectClient(a.url());
        const id = (await backend.next('/connect')).headers['x-switchboard-connection-id'] as string;
        const post = (node: typeof a, body: string) =>
          fetch(`${node.managementEndpoint}/@connections/${encodeURIComponent(id)}`, {
            method: 'POST',
            body,
          });

        expect((await post(b, 'before')).status).toBe(200);
        expect(await client.next()).toBe('before');

        await server.stop();
        await Promise.all([
          availability(a.gateway.cluster.bus, false),
          availability(b.gateway.cluster.bus, false),
        ]);
        const started = Date.now();
        const remote = await post(b, 'during');
        expect(remote.status).toBe(503);
        expect(remote.headers.get('x-switchboard-error-code')).toBe('SWB_ERR_CLUSTER_UNAVAILABLE');
        expect(Date.now() - started).toBeLessThan(500);
        const broadcast = await fetch(`${b.managementEndpoint}/@broadcast`, { method: 'POST', body: 'x' });
        expect(broadcast.status).toBe(503);
        expect((await post(a, 'local during')).status).toBe(200);
        expect(await client.next()).toBe('local during');

        await server.start();
        await Promise.all([
          availability(a.gateway.cluster.bus, true),
          availability(b.gateway.cluster.bus, true),
        ]);
        // Until b hears a's first heartbeat after the outage it answers 503 (a may not have resubscribed yet).
        await vi.waitFor(
          async () => {
            const described = await fetch(`${b.managementEndpoint}/@connections/${encodeURIComponent(id)}`);
            expect(described.status).toBe(200);
          },
          { timeout: 5000, interval: 50 },
        );
        expect((await post(b, 'after')).status).toBe(200);
        expect(await client.next()).toBe('after');
      });
    },
  );
}
