// Gateway node fault: kill -9 of one of two `switchboard gateway` processes joined by Redis (then
// NATS). Its clients see 1006; a push for one of its connections, sent to the surviving node,
// answers 410 GoneException (at once, or once the dead node's lease expired), never hangs; the
// surviving node's own connections keep working.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { freePort, missingService, natsUrl, randomPrefix, redisUrl } from '../helpers/cluster-services.js';

const cliEntry = new URL('../../../cli/bin/switchboard.js', import.meta.url);
const children = new Set<ChildProcess>();
let dirs: string[] = [];

afterEach(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = once(child, 'exit');
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
  }
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** Starts a gateway process; resolves with its client and admin ports once it printed its banner. */
async function startNode(config: string): Promise<{ child: ChildProcess; port: number; adminPort: number }> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-kill-'));
  dirs.push(dir);
  const file = join(dir, 'switchboard.yml');
  writeFileSync(file, `listen: { host: 127.0.0.1, port: ${port} }\nadmin: { host: 127.0.0.1, port: ${adminPort} }\nlog: { level: warn }\n${config}`);
  const child = spawn(process.execPath, [cliEntry.pathname, 'gateway', '--config', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  let banner = '';
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${String(code)}: ${banner}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      if (banner.includes(`ws://127.0.0.1:${port}`)) resolve();
    });
  });
  return { child, port, adminPort };
}

async function listIds(adminPort: number): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${adminPort}/dev/@connections`);
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
      const victim = await connectClient(`ws://127.0.0.1:${doomed.port}/dev`);
      await using bystander = await connectClient(`ws://127.0.0.1:${survivor.port}/dev`);
      const [victimId] = await listIds(doomed.adminPort);
      if (victimId === undefined) throw new Error('no connection on the doomed node');
      // Reachable across nodes while both live.
      await vi.waitFor(async () => {
        const response = await fetch(`http://127.0.0.1:${survivor.adminPort}/dev/@connections/${encodeURIComponent(victimId)}`, { method: 'POST', body: 'cross-node' });
        expect(response.status).toBe(200);
      });
      expect(await victim.next()).toBe('cross-node');
      const exited = once(doomed.child, 'exit');
      if (doomed.child.pid !== undefined) process.kill(doomed.child.pid, 'SIGKILL');
      await exited;
      expect((await victim.closed).code).toBe(1006);
      // 410 once the bus sees the subscriber gone or the lease (1 s) expired; 503/504 only before that.
      const statuses: number[] = [];
      await vi.waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${survivor.adminPort}/dev/@connections/${encodeURIComponent(victimId)}`, { method: 'POST', body: 'to the dead' });
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
