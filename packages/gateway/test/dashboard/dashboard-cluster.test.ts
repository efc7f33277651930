/**
 * The dashboard's cluster view: two gateway nodes on the real Redis; each node's overview lists
 * both nodes with their connections, and the open-connection figure is cluster-wide. Under CI=true a
 * missing Redis fails the suite; elsewhere it is skipped with the reason.
 */
import { describe, expect, it, vi } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { missingService, randomPrefix, redisUrl } from '../helpers/cluster-services.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';

const missing = await missingService('redis');

interface OverviewNodes {
  scope: string;
  connections: number;
  cluster: { nodeId: string; nodes: { nodeId: string; self: boolean; connections: number }[] };
}

describe.skipIf(missing !== undefined)(
  `dashboard with 2 nodes on redis${missing === undefined ? '' : ` (skipped: ${missing})`}`,
  () => {
    it('lists every node and its connections', async () => {
      await using backend = await startTestBackend();
      const cluster = {
        bus: 'redis' as const,
        prefix: randomPrefix(),
        redis: { url: redisUrl },
        heartbeatMs: 100,
        leaseMs: 1000,
        ownerTimeoutMs: 1000,
      };
      await using a = await startTestGateway({
        ...routesTo(backend.url),
        cluster: { ...cluster, nodeId: 'node-a' },
      });
      await using b = await startTestGateway({
        ...routesTo(backend.url),
        cluster: { ...cluster, nodeId: 'node-b' },
      });
      await using client = await connectClient(b.url('dev'));
      await vi.waitFor(
        async () => {
          const overview = (await (
            await fetch(`${a.adminUrl}/dashboard/api/overview`)
          ).json()) as OverviewNodes;
          expect(overview.scope).toBe('cluster');
          expect(overview.cluster.nodeId).toBe('node-a');
          expect(overview.cluster.nodes).toEqual([
            expect.objectContaining({ nodeId: 'node-a', self: true, connections: 0 }),
            expect.objectContaining({ nodeId: 'node-b', self: false, connections: 1 }),
          ]);
          expect(overview.connections).toBe(1);
        },
        { timeout: 5000, interval: 100 },
      );
      await client.close();
    });
  },
);
