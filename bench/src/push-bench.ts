/**
 * The management-push part of the suite: one `switchboard gateway` node (no backend), K idle
 * WebSocket clients held by a client process (push-clients.ts) that counts the frames it receives,
 * and a separate load process (push-load.ts) POSTing to `/{stage}/@connections/{id}` in a closed
 * loop. Per measurement: pushes/s, p50/p99 of the HTTP answer, non-200 answers and errors, the
 * gateway's CPU µs per push and RSS from /proc, and whether every push answered 200 reached its
 * client. Repetitions of each concurrency level are interleaved; medians and ranges are reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode, stopChild, waitForLine, type Child } from './child-processes.js';
import { settleNote, sleep } from './machine-settle.js';
import { processTree, snapshot, usageBetween, type Snapshot } from './proc-stats.js';
import { decodePushLoadEvent, type PushLoadResult } from './push-report.js';
import { repoRoot } from './scenarios.js';
import { spread, type Spread } from './summary.js';

const pushLoadJs = fileURLToPath(new URL('./push-load.js', import.meta.url));
const pushClientsJs = fileURLToPath(new URL('./push-clients.js', import.meta.url));

/** The product's bar: management API pushes per second on one node. */
export const PUSH_BAR_PER_SECOND = 20_000;

const START_TIMEOUT_MS = 30_000;
/** How long the clients may take to receive the frames of pushes already answered 200. */
const DELIVERY_WAIT_MS = 5_000;

export interface PushBenchSettings {
  readonly cliMain: string;
  /** Idle WebSocket clients pushed to, round-robin. */
  readonly connections: number;
  /** Requests in flight; several levels are interleaved within each repetition. */
  readonly concurrency: readonly number[];
  readonly reps: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly payloadBytes: number;
  /** HTTP client of the load process: the minimal raw one (cheap) or undici. */
  readonly client: 'raw' | 'undici';
  /** Wait up to this long for a quiet machine before each measurement; 0 skips. */
  readonly settleSeconds: number;
  readonly pauseSeconds: number;
}

export interface PushDelivery {
  /** Pushes answered 200 over the whole run of the load process. */
  readonly answered200: number;
  /** Frames the clients received over the same run. */
  readonly framesReceived: number;
  /** Client connections that closed during the run. */
  readonly clientCloses: number;
  /** Every push answered 200 reached its client (frames ≥ answers). */
  readonly verified: boolean;
}

export interface PushRun {
  readonly concurrency: number;
  readonly rep: number;
  readonly startedAt: string;
  readonly error: string | null;
  readonly load: PushLoadResult | null;
  readonly delivery: PushDelivery | null;
  readonly wallSeconds: number;
  readonly machineBusyPercent: number;
  /** CPU cores busy with anything else than gateway, load process and clients. */
  readonly otherCores: number;
  /** The gateway process (and any child it has), during the window. */
  readonly gateway: {
    readonly cpuCores: number;
    readonly cpuUsPerPush: number;
    readonly rssBytes: number;
  } | null;
  readonly loadProcessCores: number;
  readonly clientProcessCores: number;
}

export interface PushSummary {
  readonly concurrency: number;
  readonly reps: number;
  readonly failures: readonly string[];
  readonly pushesPerSecond: Spread;
  readonly p50Ms: Spread;
  readonly p99Ms: Spread;
  readonly maxMs: Spread;
  readonly cpuUsPerPush: Spread;
  readonly rssBytes: Spread;
  readonly machineBusyPercent: Spread;
  readonly loadProcessCores: Spread;
  readonly otherCores: Spread;
  /** Summed over repetitions. */
  readonly non200: number;
  readonly errors: number;
  /** Pushes answered 200 whose frame no client received, summed over repetitions. */
  readonly undelivered: number;
  readonly problemSample: string | null;
}

export interface PushPart {
  readonly settings: PushBenchSettings;
  readonly runs: readonly PushRun[];
  readonly summaries: readonly PushSummary[];
}

interface Gateway {
  readonly child: Child;
  readonly clientUrl: string;
  /** `http://127.0.0.1:ADMIN/dev` */
  readonly endpoint: string;
}

async function startGateway(cliMain: string): Promise<Gateway> {
  const sets = [
    'log.level=warn',
    'shutdown.drainMs=0',
    'throttling.connectionsPerSecond=0',
    'security.maxConnectionsPerIp=0',
  ];
  const child = startNode(
    'push gateway',
    [cliMain, 'gateway', '--port', '0', '--admin-port', '0', ...sets.flatMap((set) => ['--set', set])],
    { cwd: repoRoot, env: { ...process.env, SWITCHBOARD_LOG_LEVEL: 'warn' } },
  );
  try {
    // Both lines come in one write: listen for both before awaiting either.
    const [[, clientUrl = ''], [, endpoint = '']] = await Promise.all([
      waitForLine(child, /^ {2}clients\s+(ws:\/\/\S+)$/, START_TIMEOUT_MS),
      waitForLine(child, /^ {2}management\s+(http:\/\/\S+)\/@connections\//, START_TIMEOUT_MS),
    ]);
    return { child, clientUrl, endpoint };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** Every connection id the node lists, page by page. */
async function listConnectionIds(endpoint: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const query = token === undefined ? '' : `&nextToken=${encodeURIComponent(token)}`;
    const response = await fetch(`${endpoint}/@connections?limit=1000${query}`);
    if (response.status !== 200) throw new Error(`listing connections answered ${response.status}`);
    const body = (await response.json()) as { items: { connectionId: string }[]; nextToken?: string };
    ids.push(...body.items.map((item) => item.connectionId));
    token = body.nextToken;
  } while (token !== undefined);
  return ids;
}

interface ClientCounts {
  readonly frames: number;
  readonly closes: number;
}

/** Asks the client process for its counters (`count` → `received F closed C`), one listener for all asks. */
function clientCounter(clients: Child): () => Promise<ClientCounts> {
  const waiting: ((counts: ClientCounts) => void)[] = [];
  clients.onLine((line) => {
    const match = /^received (\d+) closed (\d+)$/.exec(line);
    if (match !== null) waiting.shift()?.({ frames: Number(match[1]), closes: Number(match[2]) });
  });
  return () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the client process did not report its counts')),
        5_000,
      );
      waiting.push((counts) => {
        clearTimeout(timer);
        resolve(counts);
      });
      clients.process.stdin?.write('count\n');
    });
}

/** Waits until the clients received at least `answered` frames, or DELIVERY_WAIT_MS passed. */
async function awaitDelivery(
  askCounts: () => Promise<ClientCounts>,
  answered: number,
): Promise<PushDelivery> {
  const deadline = Date.now() + DELIVERY_WAIT_MS;
  let counts = await askCounts();
  while (counts.frames < answered && Date.now() < deadline) {
    await sleep(100);
    counts = await askCounts();
  }
  return {
    answered200: answered,
    framesReceived: counts.frames,
    clientCloses: counts.closes,
    verified: counts.frames >= answered,
  };
}

interface Windowed {
  readonly load: PushLoadResult;
  readonly before: Snapshot;
  readonly after: Snapshot;
}

/** Follows the load process's events, sampling /proc at the window's edges. */
function drive(load: Child, pids: () => number[], timeoutMs: number): Promise<Windowed> {
  let before: Snapshot | undefined;
  let after: Snapshot | undefined;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`push load gave no result within ${timeoutMs} ms`)),
      timeoutMs,
    );
    load.onLine((line) => {
      const event = decodePushLoadEvent(line);
      if (event === null) return;
      if (event.type === 'window-start') before = snapshot(pids());
      else if (event.type === 'window-end') after = snapshot(pids());
      else if (event.type === 'fatal') {
        clearTimeout(timer);
        reject(new Error(`push load: ${event.message}`));
      } else {
        clearTimeout(timer);
        if (before === undefined || after === undefined) reject(new Error('push load reported no window'));
        else resolve({ load: event.result, before, after });
      }
    });
    // 'close', not 'exit': stdout must be drained first, or the result line would be lost.
    load.process.once('close', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`push load exited (${String(code ?? signal)}): ${load.stderrTail().trim()}`));
    });
  });
}

/** One measurement on a fresh gateway. Never throws: a failure is recorded in `error`. */
async function measurePush(settings: PushBenchSettings, concurrency: number, rep: number): Promise<PushRun> {
  const startedAt = new Date().toISOString();
  const base = { concurrency, rep, startedAt };
  const started: Child[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-push-bench-'));
  try {
    const gateway = await startGateway(settings.cliMain);
    started.push(gateway.child);
    const clients = startNode('push clients', [
      pushClientsJs,
      '--url',
      gateway.clientUrl,
      '--connections',
      String(settings.connections),
    ]);
    started.push(clients);
    const [, connected = '0', failed = '0'] = await waitForLine(
      clients,
      /^connected (\d+) failed (\d+)$/,
      START_TIMEOUT_MS + settings.connections * 10,
    );
    if (Number(failed) > 0 || Number(connected) !== settings.connections) {
      throw new Error(`clients connected ${connected} of ${settings.connections} (${failed} failed)`);
    }
    const ids = await listConnectionIds(gateway.endpoint);
    if (ids.length !== settings.connections) {
      throw new Error(`the gateway lists ${ids.length} connections, expected ${settings.connections}`);
    }
    const idsFile = join(dir, 'ids.txt');
    writeFileSync(idsFile, `${ids.join('\n')}\n`);
    const load = startNode('push load', [
      pushLoadJs,
      '--endpoint',
      gateway.endpoint,
      '--ids-file',
      idsFile,
      '--concurrency',
      String(concurrency),
      '--warmup',
      String(settings.warmupSeconds),
      '--duration',
      String(settings.durationSeconds),
      '--payload-bytes',
      String(settings.payloadBytes),
      '--client',
      settings.client,
      '--exit-with-stdin',
    ]);
    started.push(load);
    const gatewayPids = (): number[] => processTree(gateway.child.pid);
    const timeoutMs = (settings.warmupSeconds + settings.durationSeconds) * 1000 + 60_000;
    const windowed = await drive(load, () => [...gatewayPids(), load.pid, clients.pid], timeoutMs);
    const delivery = await awaitDelivery(clientCounter(clients), windowed.load.answered200Total);
    const usage = usageBetween(windowed.before, windowed.after);
    const gatewaySet = new Set(gatewayPids());
    const gatewayUsage = usage.processes.filter((p) => gatewaySet.has(p.pid));
    const cores = (pid: number): number => usage.processes.find((p) => p.pid === pid)?.cpuCores ?? 0;
    const gatewayCores = gatewayUsage.reduce((total, p) => total + p.cpuCores, 0);
    const rate = windowed.load.pushesPerSecond;
    const measuredCores = usage.processes.reduce((total, p) => total + p.cpuCores, 0);
    return {
      ...base,
      error: null,
      load: windowed.load,
      delivery,
      wallSeconds: usage.wallSeconds,
      machineBusyPercent: usage.machineBusyPercent,
      otherCores: Math.max(0, (usage.machineBusyPercent / 100) * cpus().length - measuredCores),
      gateway: {
        cpuCores: gatewayCores,
        cpuUsPerPush: rate > 0 ? (gatewayCores / rate) * 1e6 : 0,
        rssBytes: gatewayUsage.reduce((total, p) => total + p.rssBytes, 0),
      },
      loadProcessCores: cores(load.pid),
      clientProcessCores: cores(clients.pid),
    };
  } catch (error) {
    return {
      ...base,
      error: error instanceof Error ? error.message : String(error),
      load: null,
      delivery: null,
      wallSeconds: 0,
      machineBusyPercent: 0,
      otherCores: 0,
      gateway: null,
      loadProcessCores: 0,
      clientProcessCores: 0,
    };
  } finally {
    for (const child of started.reverse()) await stopChild(child, 5000);
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarizePush(concurrency: number, runs: readonly PushRun[]): PushSummary {
  const ok = runs.filter((run) => run.error === null && run.load !== null);
  const loads = ok.flatMap((run) => (run.load === null ? [] : [run.load]));
  const problem =
    loads.find((load) => load.non200Sample !== null)?.non200Sample ??
    loads.find((load) => load.errorSample !== null)?.errorSample ??
    null;
  return {
    concurrency,
    reps: ok.length,
    failures: runs.flatMap((run) => (run.error === null ? [] : [run.error])),
    pushesPerSecond: spread(loads.map((load) => load.pushesPerSecond)),
    p50Ms: spread(loads.map((load) => load.latencyMs.p50)),
    p99Ms: spread(loads.map((load) => load.latencyMs.p99)),
    maxMs: spread(loads.map((load) => load.latencyMs.max)),
    cpuUsPerPush: spread(ok.flatMap((run) => run.gateway?.cpuUsPerPush ?? [])),
    rssBytes: spread(ok.flatMap((run) => run.gateway?.rssBytes ?? [])),
    machineBusyPercent: spread(ok.map((run) => run.machineBusyPercent)),
    loadProcessCores: spread(ok.map((run) => run.loadProcessCores)),
    otherCores: spread(ok.map((run) => run.otherCores)),
    non200: loads.reduce((total, load) => total + load.non200, 0),
    errors: loads.reduce((total, load) => total + load.errors, 0),
    undelivered: ok.reduce(
      (total, run) =>
        total + Math.max(0, (run.delivery?.answered200 ?? 0) - (run.delivery?.framesReceived ?? 0)),
      0,
    ),
    problemSample: problem,
  };
}

function progressLine(run: PushRun): string {
  if (run.error !== null || run.load === null) return `failed: ${run.error ?? 'no result'}`;
  const { load, delivery } = run;
  const problems = load.non200 + load.errors;
  return (
    `${(load.pushesPerSecond / 1000).toFixed(1)}k pushes/s, p50 ${load.latencyMs.p50.toFixed(2)} ms, ` +
    `p99 ${load.latencyMs.p99.toFixed(2)} ms, gateway CPU ${run.gateway?.cpuUsPerPush.toFixed(1) ?? '–'} µs/push, ` +
    `busy ${run.machineBusyPercent.toFixed(0)}%` +
    (delivery?.verified === true
      ? ', delivered'
      : `, ${delivery?.framesReceived ?? 0}/${delivery?.answered200 ?? 0} delivered`) +
    (problems > 0 ? `, ${problems} non-200/errors` : '')
  );
}

/** Runs the push part: repetitions with the concurrency levels interleaved; progress on stderr. */
export async function runPushBench(settings: PushBenchSettings): Promise<PushPart> {
  const runs: PushRun[] = [];
  const total = settings.reps * settings.concurrency.length;
  let index = 0;
  for (let rep = 1; rep <= settings.reps; rep += 1) {
    for (const concurrency of settings.concurrency) {
      index += 1;
      process.stderr.write(
        `[push ${index}/${total}] ${settings.connections} clients · ${concurrency} in flight · rep ${rep}/${settings.reps} … `,
      );
      process.stderr.write(await settleNote(settings.settleSeconds));
      const run = await measurePush(settings, concurrency, rep);
      runs.push(run);
      process.stderr.write(`${progressLine(run)}\n`);
      if (settings.pauseSeconds > 0) await sleep(settings.pauseSeconds * 1000);
    }
  }
  const summaries = settings.concurrency.map((concurrency) =>
    summarizePush(
      concurrency,
      runs.filter((run) => run.concurrency === concurrency),
    ),
  );
  return { settings, runs, summaries };
}

/** The best median pushes/s over the concurrency levels (the figure the bar is judged on). */
export function bestPushRate(part: PushPart): PushSummary | null {
  const measured = part.summaries.filter((s) => s.reps > 0);
  if (measured.length === 0) return null;
  return measured.reduce((best, s) => (s.pushesPerSecond.median > best.pushesPerSecond.median ? s : best));
}
