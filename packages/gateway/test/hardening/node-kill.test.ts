// Gateway node fault: kill -9 of one of two `switchboard gateway` processes joined by Redis (then
// NATS). Its clients see 1006; a push for one of its connections, sent to the surviving node,
// answers 410 GoneException once the dead node's lease expired (503 or 504 before: a node cut off
// from the bus is silent too, and may still hold its clients), never hangs; the
// surviving node's own connections keep working.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { missingService, natsUrl, randomPrefix, redisUrl } from '../helpers/cluster-services.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';

let nodes: GatewayProcess[] = [];

afterEach(async () => {
  await Promise.all(nodes.map((node) => node.stop()));
  nodes = [];
});

/** Starts a gateway process; resolves once it printed its banner. */
async function startNode(config: string): Promise<GatewayProcess> {
  const node = await startGatewayProcess(config, { logLevel: 'warn' });
  nodes.push(node);
  return node;
}

async function listIds(node: GatewayProcess): Promise<string[]> {
  const response = await fetch(`${node.adminUrl}/dev/@connections`);
  return ((await response.json()) as { items: { connectionId: string }[] }).items.map((item) => item.connectionId);
}

for (const kind of ['redis', 'nats'] as const) {
  const missing = await missingService(kind);
  describe.skipIf(missing !== undefined)(`faults: kill -9 of a gateway node on ${kind}${missing === undefined ? '' : ` (skipped: ${missing})`}`, () => {
    it('answers 410 for the dead node\'s connections from the surviving node; its own clients keep working', { timeout: 30_000 }, async () => {
      await using backend = await startTestBackend();
      const cluster = `cluster: { bus: ${kind}, prefix: ${randomPrefix()}, redis: { url: "${redisUrl}" }, nats: { servers: ["${natsUrl}"] }, heartbeatMs: 100, leaseMs: 1000, ownerTimeoutMs: 1000, reconnectMs: 50 }\n`;
      const routes = `routes: { $default: { integration: message, twoWay: true } }\nintegrations: { message: { uri: "${backend.url}/message" } }\n`;
      const doomed = await startNode(cluster + routes);
      const survivor = await startNode(cluster + routes);
      const victim = await connectClient(doomed.clientUrl);
      await using bystander = await connectClient(survivor.clientUrl);
      const [victimId] = await listIds(doomed);
      if (victimId === undefined) throw new Error('no connection on the doomed node');
      // Reachable across nodes while both live.
      await vi.waitFor(async () => {
        const response = await fetch(`${survivor.adminUrl}/dev/@connections/${encodeURIComponent(victimId)}`, { method: 'POST', body: 'cross-node' });
        expect(response.status).toBe(200);
      });
      expect(await victim.next()).toBe('cross-node');
      doomed.signal('SIGKILL');
      await doomed.exitCode;
      expect((await victim.closed).code).toBe(1006);
      // 410 once the lease (1 s) expired; 503/504 only before that.
      const statuses: number[] = [];
      await vi.waitFor(
        async () => {
          const response = await fetch(`${survivor.adminUrl}/dev/@connections/${encodeURIComponent(victimId)}`, { method: 'POST', body: 'to the dead' });
          statuses.push(response.status);
          expect(response.status).toBe(410);
        },
        { timeout: 10_000, interval: 100 },
      );
      expect(statuses.every((status) => [410, 503, 504].includes(status))).toBe(true);
      bystander.send('still here');
      expect(await bystander.next()).toBe('still here');
    });
  });
}
