/**
 * The idle-connection benchmark as a function (`runIdleBench`), for `npm run bench:idle` and the
 * suite runner. Two scenarios:
 * - one process: N idle connections (19,000 by default: the file limit here is 20,000 per process)
 *   to a bare `ws` server and to `switchboard gateway`, one after the other; RSS per connection.
 * - workers: 100,000 idle connections to one `switchboard gateway --workers W`, W chosen so that no
 *   worker needs more than ~17,000 sockets; connections held (counted by the gateway), RSS summed
 *   over the primary and every worker, time to open them all, failures.
 * Neither gateway has routes (no backend needed); connection throttle and per-IP cap are off, since
 * every client comes from a few loopback addresses in bursts. Clients run in several processes
 * (at most `perClient` sockets each: 20,000 files per process here) bound to several loopback
 * source addresses (at most `perAddress` each: see idle-clients.ts). RSS is read from /proc
 * `settleMs` before and after the connections open; kernel socket memory is not in RSS (its TCP
 * buffer pages are reported apart). The caller owns process cleanup: call `guardChildren()` first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePorts, startNode, stopChild, waitForLine } from './child-processes.js';
import {
  kernelCounters,
  kernelLimits,
  maxOpenFiles,
  openFiles,
  pssBytes,
  type KernelCounters,
  type KernelLimits,
} from './host-limits.js';
import { openIdleLoad, type ClientFigures } from './idle-load.js';
import { processTree, sampleProcess } from './proc-stats.js';
import { defaultCliMain } from './scenarios.js';
import { PUSHPIN_HANDSHAKE_CONCURRENCY, pushpinInstalled, startPushpin } from './pushpin.js';

export type IdleScenario = 'one-process' | 'workers';

export interface IdleBenchOptions {
  /** Connections to each system in the one-process comparison. @default 19000 */
  readonly connections?: number;
  /** Connections to the gateway with workers. @default 100000 */
  readonly workersConnections?: number;
  /** Gateway worker processes. @default ceil(workersConnections / 17000) */
  readonly workers?: number;
  /** Run only one of the scenarios. @default both */
  readonly only?: IdleScenario;
  /** Wait before each RSS reading. @default 3000 */
  readonly settleMs?: number;
  /** Most connections per client process. @default 17000 */
  readonly perClient?: number;
  /**
   * Most connections from one loopback source address. Past ~7,000 sockets bound to one address,
   * each bind's search for a free port costs ~10× more (kernel CPU), which slows the opening.
   * @default 5000
   */
  readonly perAddress?: number;
  /** Handshakes in flight over all client processes. @default 300 */
  readonly parallel?: number;
  /** The `switchboard` CLI to run. @default this checkout's */
  readonly cliMain?: string;
  /** Progress lines (stderr by default). */
  readonly log?: (line: string) => void;
}

export interface ServerProcessFigures {
  readonly pid: number;
  readonly role: 'server' | 'primary' | 'worker';
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
  /** Proportional set size once the connections were open: shared pages split between processes. */
  readonly pssAfterMb: number | null;
  /** `ulimit -n` inside the process. */
  readonly maxOpenFiles: number | null;
  readonly openFilesAfter: number;
  /** Sockets held once the connections were open, minus those held before. */
  readonly socketsAdded: number;
}

export interface IdleSystemFigures {
  readonly system: string;
  /** Gateway worker processes; 0 when the system is one process. */
  readonly workers: number;
  readonly requested: number;
  /** Handshakes that completed, counted by the clients. */
  readonly connected: number;
  /** Handshakes that failed, counted by the clients, with their error codes. */
  readonly failed: number;
  readonly errors: Readonly<Record<string, number>>;
  /** Connections that closed after the handshake, before the clients released them. */
  readonly closedWhileHeld: number;
  /** Open connections as the gateway reports them (`GET /scaling/figures`); null for the direct server. */
  readonly heldByServer: number | null;
  /** Every reading of that figure, one per fresh admin connection (so spread over the workers). */
  readonly serverCountReadings: readonly number[];
  /** `node` (one process) or `cluster` (the sum over every worker, from their heartbeats). */
  readonly serverCountScope: string | null;
  /** From starting the client processes until every connection was open. */
  readonly openSeconds: number;
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
  readonly pssAfterMb: number | null;
  /** (RSS after − RSS before) ÷ connected, summed over every process of the system. */
  readonly kbPerConnection: number;
  readonly processes: readonly ServerProcessFigures[];
  readonly clients: readonly ClientFigures[];
  /** Kernel counters before the connections opened and once they were open. */
  readonly kernelBefore: KernelCounters;
  readonly kernelAfter: KernelCounters;
}

export interface IdleBenchResult {
  readonly benchmark: 'idle';
  readonly settings: {
    readonly connections: number;
    readonly workersConnections: number;
    readonly workers: number;
    readonly only: IdleScenario | null;
    readonly settleMs: number;
    readonly perClient: number;
    readonly perAddress: number;
    readonly parallel: number;
  };
  readonly kernel: KernelLimits;
  /** The direct `ws` server and the one-process gateway; absent with `only: 'workers'`. */
  readonly oneProcess: readonly IdleSystemFigures[] | null;
  /** The gateway with workers; absent with `only: 'one-process'`. */
  readonly withWorkers: IdleSystemFigures | null;
}

/** Sockets per worker we aim for: 20,000 files per process here, minus headroom. */
const SOCKETS_PER_WORKER = 17_000;
const START_TIMEOUT_MS = 60_000;
const directScript = fileURLToPath(new URL('./direct-echo-server.js', import.meta.url));

interface System {
  readonly name: string;
  readonly workers: number;
  /** The process whose tree is the system (its RSS is summed over the tree). */
  readonly rootPid: number;
  /** Handshakes in flight while opening, when the system needs fewer than the default. */
  readonly parallel?: number;
  readonly url: string;
  /** `http://127.0.0.1:ADMIN` of a gateway. */
  readonly admin: string | null;
  stop(): Promise<void>;
}

interface Settings {
  readonly settleMs: number;
  readonly perClient: number;
  readonly perAddress: number;
  readonly parallel: number;
  readonly log: (line: string) => void;
}

export async function runIdleBench(options: IdleBenchOptions = {}): Promise<IdleBenchResult> {
  const connections = options.connections ?? 19_000;
  const workersConnections = options.workersConnections ?? 100_000;
  const workers = options.workers ?? Math.max(2, Math.ceil(workersConnections / SOCKETS_PER_WORKER));
  const settings: Settings = {
    settleMs: options.settleMs ?? 3000,
    perClient: options.perClient ?? 17_000,
    perAddress: options.perAddress ?? 5000,
    parallel: options.parallel ?? 300,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  };
  const cliMain = options.cliMain ?? defaultCliMain;
  const only = options.only ?? null;
  const kernel = kernelLimits();
  if (workersConnections / workers > 19_000 && only !== 'one-process')
    settings.log(
      `warning: ${workers} workers for ${workersConnections} connections is over 19,000 sockets per worker`,
    );

  let oneProcess: IdleSystemFigures[] | null = null;
  if (only !== 'workers') {
    oneProcess = [
      await measureSystem(await startDirect(), connections, settings),
      await measureSystem(await startGateway(cliMain, 1), connections, settings),
    ];
    if (pushpinInstalled()) oneProcess.push(await measureSystem(await startPushpinIdle(connections), connections, settings));
  }
  const withWorkers =
    only === 'one-process'
      ? null
      : await measureSystem(await startGateway(cliMain, workers), workersConnections, settings);
  return {
    benchmark: 'idle',
    settings: {
      connections,
      workersConnections,
      workers,
      only,
      settleMs: settings.settleMs,
      perClient: settings.perClient,
      perAddress: settings.perAddress,
      parallel: settings.parallel,
    },
    kernel,
    oneProcess,
    withWorkers,
  };
}

async function startDirect(): Promise<System> {
  const root = startNode('direct ws server', [directScript, '--port', '0']);
  try {
    const [, port = ''] = await waitForLine(root, /^listening (\d+)$/, START_TIMEOUT_MS);
    return {
      name: 'direct ws',
      workers: 0,
      rootPid: root.pid,
      url: `ws://127.0.0.1:${port}/`,
      admin: null,
      stop: () => stopChild(root),
    };
  } catch (error) {
    await stopChild(root);
    throw error;
  }
}

/**
 * A private Pushpin (bench/src/pushpin.ts) in front of its WebSocket-over-HTTP echo origin. Its RSS
 * is Pushpin's own processes (runner, condure, zurl, proxy, handler); the origin is left out, as the
 * gateway is measured without a backend. Handshakes go 50 at a time: Pushpin answers 502 to more.
 */
async function startPushpinIdle(connections: number): Promise<System> {
  const system = await startPushpin({ maxConnections: connections + 1000 });
  const runner = system.processes().find((process) => process.role === 'gateway');
  if (runner === undefined) {
    await system.stop();
    throw new Error('pushpin: its runner process was not found');
  }
  return {
    name: 'pushpin 1.36',
    workers: 0,
    rootPid: runner.pid,
    parallel: PUSHPIN_HANDSHAKE_CONCURRENCY,
    url: system.url,
    admin: null,
    stop: () => system.stop(),
  };
}

async function startGateway(cliMain: string, workers: number): Promise<System> {
  const [port = 0, admin = 0] = await freePorts(2);
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-idle-'));
  const file = join(dir, 'gateway.yml');
  writeFileSync(
    file,
    [
      `listen: { host: 127.0.0.1, port: ${port} }`,
      `admin: { port: ${admin} }`,
      `cluster: { workers: ${workers} }`,
      'throttling: { connectionsPerSecond: 0 }',
      'security: { maxConnectionsPerIp: 0 }',
      'shutdown: { drainMs: 0 }',
      'log: { level: warn }',
      '',
    ].join('\n'),
  );
  const name = workers > 1 ? `switchboard gateway, ${workers} workers` : 'switchboard gateway';
  const root = startNode(name, [cliMain, 'gateway', '--config', file]);
  const stop = async () => {
    await stopChild(root, 15_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForLine(root, /clients\s+ws:\/\//, START_TIMEOUT_MS);
    const processes = processTree(root.pid).length;
    if (processes !== (workers > 1 ? workers + 1 : 1))
      throw new Error(`${name}: expected ${workers > 1 ? workers + 1 : 1} processes, found ${processes}`);
    return {
      name,
      workers: workers > 1 ? workers : 0,
      rootPid: root.pid,
      url: `ws://127.0.0.1:${port}/dev`,
      admin: `http://127.0.0.1:${admin}`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface ProcessReading {
  readonly pid: number;
  readonly rssBytes: number;
  readonly sockets: number;
}

function readTree(root: number): ProcessReading[] {
  return processTree(root).map((pid) => ({
    pid,
    rssBytes: sampleProcess(pid)?.rssBytes ?? 0,
    sockets: openFiles(pid).sockets,
  }));
}

const mb = (bytes: number) => bytes / 2 ** 20;

async function measureSystem(
  system: System,
  connections: number,
  settings: Settings,
): Promise<IdleSystemFigures> {
  try {
    settings.log(
      `${system.name}: settling ${settings.settleMs} ms, then opening ${connections} idle connections`,
    );
    await sleep(settings.settleMs);
    const before = readTree(system.rootPid);
    const kernelBefore = kernelCounters();
    const load = await openIdleLoad({
      url: system.url,
      connections,
      perClient: settings.perClient,
      perAddress: settings.perAddress,
      parallel: system.parallel ?? settings.parallel,
    });
    settings.log(
      `${system.name}: ${load.connected} open, ${load.failed} failed in ${load.openSeconds.toFixed(1)} s`,
    );
    let released = false;
    try {
      await sleep(settings.settleMs);
      const count =
        system.admin === null ? null : await countOnServer(system.admin, load.connected, system.workers);
      const kernelAfter = kernelCounters();
      const after = readTree(system.rootPid);
      const processes = after.map((reading): ServerProcessFigures => {
        const start = before.find((b) => b.pid === reading.pid);
        return {
          pid: reading.pid,
          role: system.workers === 0 ? 'server' : reading.pid === system.rootPid ? 'primary' : 'worker',
          rssBeforeMb: mb(start?.rssBytes ?? 0),
          rssAfterMb: mb(reading.rssBytes),
          pssAfterMb: nullableMb(pssBytes(reading.pid)),
          maxOpenFiles: maxOpenFiles(reading.pid),
          openFilesAfter: openFiles(reading.pid).files,
          socketsAdded: reading.sockets - (start?.sockets ?? 0),
        };
      });
      const lost = after.length !== before.length || processes.some((p) => p.rssBeforeMb === 0);
      if (lost) settings.log(`${system.name}: warning: its processes changed while connections were open`);
      const rssBefore = before.reduce((sum, r) => sum + r.rssBytes, 0);
      const rssAfter = after.reduce((sum, r) => sum + r.rssBytes, 0);
      const pssValues = processes.map((p) => p.pssAfterMb);
      const { held, closedWhileHeld } = await load.release();
      released = true;
      settings.log(`${system.name}: released ${held} connections (${closedWhileHeld} had closed while held)`);
      return {
        system: system.name,
        workers: system.workers,
        requested: connections,
        connected: load.connected,
        failed: load.failed,
        errors: mergeErrors(load.clients),
        closedWhileHeld,
        heldByServer: count?.held ?? null,
        serverCountReadings: count?.readings ?? [],
        serverCountScope: count?.scope ?? null,
        openSeconds: load.openSeconds,
        rssBeforeMb: mb(rssBefore),
        rssAfterMb: mb(rssAfter),
        pssAfterMb: pssValues.every((v) => v !== null) ? pssValues.reduce((sum, v) => sum + v, 0) : null,
        kbPerConnection: load.connected === 0 ? Number.NaN : (rssAfter - rssBefore) / 1024 / load.connected,
        processes,
        clients: load.clients,
        kernelBefore,
        kernelAfter,
      };
    } finally {
      if (!released) await load.release().catch(() => undefined);
    }
  } finally {
    await system.stop();
  }
}

function nullableMb(bytes: number | null): number | null {
  return bytes === null ? null : mb(bytes);
}

function mergeErrors(clients: readonly ClientFigures[]): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const client of clients)
    for (const [code, n] of Object.entries(client.errors)) errors[code] = (errors[code] ?? 0) + n;
  return errors;
}

interface ServerCount {
  readonly held: number;
  readonly readings: number[];
  readonly scope: string;
}

/** `GET /scaling/figures` on a fresh connection, so that with workers each call may reach another one. */
function readFigures(admin: string): Promise<{ connections: number; scope: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${admin}/scaling/figures`, { agent: false, timeout: 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          if (response.statusCode !== 200)
            throw new Error(`GET /scaling/figures: ${response.statusCode} ${body}`);
          const parsed = JSON.parse(body) as { connections: number; scope: string };
          resolve({ connections: parsed.connections, scope: parsed.scope });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('GET /scaling/figures timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * The gateway's own count of open connections. With workers, each worker sums its own count and
 * its peers' last heartbeats (at most `cluster.heartbeatMs`, 2 s, old): we wait until a reading
 * equals what the clients opened (or 15 s pass), then read it once more per worker, twice over.
 */
async function countOnServer(admin: string, expected: number, workers: number): Promise<ServerCount> {
  const deadline = Date.now() + 15_000;
  let first = await readFigures(admin);
  while (first.connections !== expected && Date.now() < deadline) {
    await sleep(250);
    first = await readFigures(admin);
  }
  const readings = [first.connections];
  for (let i = 1; i < Math.max(1, workers) * 2; i++) readings.push((await readFigures(admin)).connections);
  return { held: Math.min(...readings), readings, scope: first.scope };
}
