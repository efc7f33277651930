/**
 * A rolling restart of a 3-node cluster on a real Redis: each node in turn stops gracefully (its
 * client is closed with 1001 and reconnects to another node) and a fresh node takes its place; after
 * every step each client is reachable through every node's management API.
 */
import { describe, expect, it, vi } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient, type TestClient } from '../helpers/client.js';
import { missingService, randomPrefix, redisUrl } from '../helpers/cluster-services.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const missing = await missingService('redis');

describe.skipIf(missing !== undefined)(
  `rolling restart on redis${missing === undefined ? '' : ` (skipped: ${missing})`}`,
  () => {
    it('keeps every client reachable from every node while all 3 nodes are replaced one by one', async () => {
      await using backend = await startTestBackend();
      const cluster = {
        bus: 'redis' as const,
        prefix: randomPrefix(),
        redis: { url: redisUrl },
        heartbeatMs: 100,
        leaseMs: 1000,
        ownerTimeoutMs: 1000,
      };
      const start = () => startTestGateway({ ...routesTo(backend.url), cluster });
      const nodes: TestGateway[] = await Promise.all([start(), start(), start()]);
      /** Each client with the node (index) it is connected to. */
      const clients: { client: TestClient; id: string; node: number }[] = [];
      let tag = 0;
      const connectTo = async (node: number) => {
        const name = String(tag++);
        const client = await connectClient((nodes[node] as TestGateway).url(), undefined, {
          headers: { 'x-test-client': name },
        });
        const connect = backend.requests.findLast(
          (request) => request.path.startsWith('/connect') && request.headers['x-test-client'] === name,
        );
        return { client, id: connect?.headers['x-switchboard-connection-id'] as string, node };
      };
      try {
        for (let node = 0; node < 3; node++) clients.push(await connectTo(node));
        for (let step = 0; step < 3; step++) {
          await (nodes[step] as TestGateway).close();
          // Every client of the stopped node is closed with 1001 and reconnects to the next node.
          for (const [index, entry] of clients.entries()) {
            if (entry.node !== step) continue;
            expect((await entry.client.closed).code).toBe(1001);
            clients[index] = await connectTo((step + 1) % 3);
          }
          nodes[step] = await start();
          await vi.waitFor(() => {
            for (const node of nodes) expect(node.gateway.cluster.peers()).toHaveLength(2);
          });
          for (const node of nodes) {
            for (const { client, id } of clients) {
              const response = await fetch(
                `${node.managementEndpoint}/@connections/${encodeURIComponent(id)}`,
                {
                  method: 'POST',
                  body: `step ${step}`,
                },
              );
              expect(response.status).toBe(200);
              expect(await client.next()).toBe(`step ${step}`);
            }
          }
        }
      } finally {
        await Promise.all(clients.map(({ client }) => client.close()));
        await Promise.all(nodes.map((node) => node.close()));
      }
    });
  },
);
