/**
 * `npm run bench:idle`: the idle-connection benchmark (idle-run.ts) from the command line. Prints
 * one line per system and writes every figure to bench/results/idle-<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { guardChildren, stopAllChildren } from './child-processes.js';
import { runIdleBench, type IdleBenchOptions, type IdleSystemFigures } from './idle-run.js';
import { machineInfo } from './machine.js';
import { repoRoot } from './scenarios.js';

const usage = `Usage: node bench/dist/idle-bench.js [options]   (npm run bench:idle -- [options])

  --connections N          connections to each system in the one-process comparison (default 19000)
  --workers-connections N  connections to the gateway with workers (default 100000)
  --workers N              gateway worker processes (default: one per 17,000 connections)
  --only SCENARIO          one-process or workers (default: both)
  --settle-ms N            wait before each RSS reading (default 3000)
  --per-client N           most connections per client process (default 17000)
  --per-address N          most connections per loopback source address (default 5000)
  --parallel N             handshakes in flight over all client processes (default 300)
  --out FILE               result JSON (default bench/results/idle-<timestamp>.json)
  --help                   this help
`;

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

function parseOptions(): { options: IdleBenchOptions; out: string } | null {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string' },
      'workers-connections': { type: 'string' },
      workers: { type: 'string' },
      only: { type: 'string' },
      'settle-ms': { type: 'string' },
      'per-client': { type: 'string' },
      'per-address': { type: 'string' },
      parallel: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  if (values.only !== undefined && values.only !== 'one-process' && values.only !== 'workers')
    throw new Error(`--only must be one-process or workers, got ${JSON.stringify(values.only)}`);
  const stamp = new Date()
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const defined = <T extends object>(object: T): T =>
    Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
  return {
    options: defined({
      connections: positive('connections', values.connections),
      workersConnections: positive('workers-connections', values['workers-connections']),
      workers: positive('workers', values.workers),
      only: values.only,
      settleMs: positive('settle-ms', values['settle-ms']),
      perClient: positive('per-client', values['per-client']),
      perAddress: positive('per-address', values['per-address']),
      parallel: positive('parallel', values.parallel),
    }),
    out: resolve(values.out ?? join(repoRoot, 'bench/results', `idle-${stamp}.json`)),
  };
}

function limits(r: IdleSystemFigures): string {
  const all = [...r.processes.map((p) => p.maxOpenFiles), ...r.clients.map((c) => c.maxOpenFiles)];
  return [...new Set(all.map((limit) => String(limit ?? '?')))].join(', ');
}

function describe(r: IdleSystemFigures): string {
  const held =
    r.heldByServer === null ? '' : `  held by gateway ${r.heldByServer} (${r.serverCountScope ?? '?'})`;
  return (
    `${r.system.padEnd(34)} connected ${r.connected}/${r.requested} in ${r.openSeconds.toFixed(1)} s` +
    ` (failed ${r.failed}, closed while held ${r.closedWhileHeld})${held}\n` +
    `${''.padEnd(34)} RSS ${r.rssBeforeMb.toFixed(1)} → ${r.rssAfterMb.toFixed(1)} MB over ${r.processes.length} process(es)` +
    `  ${r.kbPerConnection.toFixed(2)} KB per connection` +
    (r.pssAfterMb === null ? '' : `  (PSS after ${r.pssAfterMb.toFixed(1)} MB)`) +
    `  kernel TCP buffers ${((r.kernelAfter.tcpMemPages * 4) / 1024).toFixed(1)} MB\n` +
    `${''.padEnd(34)} most files in one process: server ${Math.max(...r.processes.map((p) => p.openFilesAfter))},` +
    ` client ${Math.max(...r.clients.map((c) => c.openFiles))} (limits ${limits(r)});` +
    ` listen overflows ${r.kernelAfter.listenOverflows - r.kernelBefore.listenOverflows}\n`
  );
}

const parsed = parseOptions();
if (parsed === null) {
  process.stdout.write(usage);
} else {
  guardChildren();
  try {
    const machine = machineInfo(repoRoot);
    const result = await runIdleBench(parsed.options);
    for (const r of [
      ...(result.oneProcess ?? []),
      ...(result.withWorkers === null ? [] : [result.withWorkers]),
    ])
      process.stdout.write(describe(r));
    mkdirSync(dirname(parsed.out), { recursive: true });
    writeFileSync(parsed.out, `${JSON.stringify({ machine, ...result }, null, 2)}\n`);
    process.stdout.write(`results: ${parsed.out}\n`);
  } finally {
    await stopAllChildren();
  }
}
