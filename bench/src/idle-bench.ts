/**
 * Idle-memory benchmark: RSS per idle connection of the gateway (`switchboard gateway`, no backend
 * needed: no `$connect` route) against a bare `ws` server, side by side in one run. Each system gets
 * N connections from separate client processes; the figure is (RSS after − RSS before) ÷ N, read from
 * /proc after the connections settle. Kernel socket memory is not in RSS, as in peers.md.
 * Run: `npm run bench:idle -- [--connections 19000] [--settle-ms 3000]`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePorts, guardChildren, startNode, stopAllChildren, stopChild, waitForLine, type Child } from './child-processes.js';
import { sampleProcess } from './proc-stats.js';
import { defaultCliMain } from './scenarios.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '19000' },
    'settle-ms': { type: 'string', default: '3000' },
    'per-client': { type: 'string', default: '9500' },
  },
});
const connections = Number(values.connections);
const settleMs = Number(values['settle-ms']);
const perClient = Number(values['per-client']);
const clientScript = fileURLToPath(new URL('./idle-clients.js', import.meta.url));
const directScript = fileURLToPath(new URL('./direct-echo-server.js', import.meta.url));

interface IdleFigures {
  readonly system: string;
  readonly connected: number;
  readonly failed: number;
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
  readonly kbPerConnection: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rss(child: Child): number {
  return sampleProcess(child.pid)?.rssBytes ?? Number.NaN;
}

/** Opens `connections` idle connections to `url` from as many client processes as needed. */
async function measure(system: string, server: Child, url: string): Promise<IdleFigures> {
  await sleep(settleMs);
  const before = rss(server);
  const clients: Child[] = [];
  let connected = 0;
  let failed = 0;
  for (let left = connections; left > 0; left -= perClient) {
    const client = startNode(`clients ${clients.length}`, [clientScript, '--url', url, '--connections', String(Math.min(perClient, left))]);
    clients.push(client);
    const [, ok = '0', bad = '0'] = await waitForLine(client, /^connected (\d+) failed (\d+)$/, 120_000);
    connected += Number(ok);
    failed += Number(bad);
  }
  await sleep(settleMs);
  const after = rss(server);
  for (const client of clients) client.process.stdin?.end();
  await Promise.all(clients.map((client) => stopChild(client)));
  return {
    system,
    connected,
    failed,
    rssBeforeMb: before / 2 ** 20,
    rssAfterMb: after / 2 ** 20,
    kbPerConnection: connected === 0 ? Number.NaN : (after - before) / 1024 / connected,
  };
}

async function direct(): Promise<IdleFigures> {
  const server = startNode('direct', [directScript, '--port', '0']);
  try {
    const [, port = ''] = await waitForLine(server, /^listening (\d+)$/, 30_000);
    return await measure('direct ws', server, `ws://127.0.0.1:${port}/`);
  } finally {
    await stopChild(server);
  }
}

async function gateway(): Promise<IdleFigures> {
  const [port = 0, admin = 0] = await freePorts(2);
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-idle-'));
  const file = join(dir, 'gateway.yml');
  // No routes: connections are accepted without a backend. Connection throttle and per-IP cap off,
  // since every client comes from 127.0.0.1 in bursts.
  writeFileSync(
    file,
    [
      `listen: { host: 127.0.0.1, port: ${port} }`,
      `admin: { port: ${admin} }`,
      'throttling: { connectionsPerSecond: 0 }',
      'security: { maxConnectionsPerIp: 0 }',
      'log: { level: warn }',
      '',
    ].join('\n'),
  );
  const server = startNode('gateway', [defaultCliMain, 'gateway', '--config', file]);
  try {
    await waitForLine(server, /clients\s+ws:\/\//, 30_000);
    return await measure('switchboard gateway', server, `ws://127.0.0.1:${port}/dev`);
  } finally {
    await stopChild(server, 10_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

guardChildren();
try {
  const results = [await direct(), await gateway()];
  process.stdout.write(`idle connections: ${connections} per system, RSS read ${settleMs} ms after they opened\n`);
  for (const r of results) {
    process.stdout.write(
      `${r.system.padEnd(20)} connected ${r.connected} (failed ${r.failed})  RSS ${r.rssBeforeMb.toFixed(1)} → ${r.rssAfterMb.toFixed(1)} MB  ${r.kbPerConnection.toFixed(2)} KB per connection\n`,
    );
  }
  process.stdout.write(`${JSON.stringify({ connections, settleMs, results })}\n`);
} finally {
  await stopAllChildren();
}
