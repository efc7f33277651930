/**
 * The benchmark suite (`npm run bench`): runs its parts in order (echo, push, cluster, idle,
 * rolling-stop; `--parts` picks some), prints each part's table and at the end every quality bar of
 * issue #7 with PASS or FAIL, and writes one JSON file for the whole run. The file keeps the echo
 * part where older files had it (`measurements`, `summary` at the top, beside `meta`), and one key
 * per other part: `push`, `cluster`, `idle`, `rollingStop` (`null` when not run, `{ error }` when the
 * part failed), then `bars`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { guardChildren, stopAllChildren } from './child-processes.js';
import { renderClusterTables, runClusterBench, type ClusterResult } from './cluster-part.js';
import { echoScenarioDescriptions, renderEchoPart, runEchoPart, type EchoPart } from './echo-part.js';
import { runIdleBench, type IdleBenchResult } from './idle-run.js';
import { IDLE_BUSY_PERCENT } from './machine-settle.js';
import { machineInfo } from './machine.js';
import type { LoadSettings, Measurement } from './measure.js';
import { runPushBench, type PushPart } from './push-bench.js';
import { renderRollingStop, runRollingStop, type RollingStopResult } from './rolling-stop-part.js';
import {
  defaultCliMain,
  defaultScenarioNames,
  isScenarioName,
  repoRoot,
  type ScenarioName,
} from './scenarios.js';
import {
  renderIdleTable,
  renderPushTable,
  renderSuiteBars,
  suiteBars,
  type SuiteBar,
  type SuiteInputs,
} from './suite-report.js';
import type { Summary } from './summary.js';

const partNames = ['echo', 'push', 'cluster', 'idle', 'rolling-stop'] as const;
type PartName = (typeof partNames)[number];

const usage = `Usage: node bench/dist/run.js [options]   (npm run bench -- [options])

Runs the parts in this order: echo, push, cluster (broadcast fan-out and cross-node push), idle,
rolling-stop; prints each part's table, then every quality bar with PASS, FAIL or "not measured".
Echo and push repeat their measurements (--reps, interleaved); cluster, idle and rolling-stop run once.
A ratio bar whose rounds fall on both sides of it is marked "not conclusive": rerun it with more --reps.
A part that fails is recorded as { error } and the next part runs; the exit code is then 1.

  --parts LIST        echo,push,cluster,idle,rolling-stop (default: all)
  --quick             smoke run: every part short (noted "quick" below)

echo (and the common settings, shared with push):
  --scenarios LIST    direct,gateway,gateway-split,gateway-split-pipelined,gateway-split-batched,pushpin,
                      serverless-offline,serverless-offline-inprocess (default: all but
                      serverless-offline-inprocess; the peers only when installed: pushpin from
                      Debian, serverless-offline by npm run bench:install-peers)
  --connections LIST  connection counts (default 1,100,1000; quick 1,100)
  --reps N            repetitions of each scenario (and push level) (default 3; quick 1)
  --duration S        measured window in seconds (default 10; quick 3)
  --warmup S          warm-up before the window in seconds (default 3; quick 1)
  --payload-bytes N   text payload size of echo messages and pushes (default 64)
  --pause S           pause between measurements in seconds (default 1)
  --settle S          before each measurement, wait up to S seconds for the machine to go idle
                      (under ${IDLE_BUSY_PERCENT}% busy over 1 s); 0 skips (default 20; quick 5)
  --pin               pin the load generator to the last CPU, the systems to the others (taskset);
                      off by default, like the peer measurements in docs/peers.md section 8

push (one gateway node, its management API, a separate load process):
  --push-clients N        idle WebSocket clients pushed to round-robin (default 100; quick 20)
  --push-concurrency LIST requests in flight; several levels are interleaved (default 32)
  --push-client KIND      HTTP client of the load process: raw (minimal keep-alive HTTP/1.1,
                          cheap like autocannon) or undici (default raw)

cluster (3 gateway nodes joined by a bus):
  --cluster-bus KIND           redis or nats (default redis; Redis at 127.0.0.1:6379)
  --cluster-seconds S          each push run, same node and cross-node (default 5; quick 1)
  --cluster-concurrency N      pushes in flight (default 32)
  --broadcast-connections N    connections the broadcast reaches over 3 nodes (default 10000; quick 1000)
  --broadcasts N               broadcasts sent (default 10; quick 3)

idle:
  --idle-connections N          per system in the one-process comparison (default 19000; quick 1000)
  --idle-workers-connections N  to the gateway with workers (default 100000; quick 2000)
  --idle-workers N              gateway workers (default: one per 17,000 connections, at least 2)

rolling-stop:
  --rolling-connections N  closed-loop clients (default 50; quick 10)
  --rolling-phase S        seconds between steps (default 3; quick 1)
  --rolling-store KIND     sqlite or redis (default sqlite)

  --cli FILE          switchboard CLI entry point (default packages/cli/dist/main.js)
  --out FILE          result JSON (default bench/results/<timestamp>.json)
  --help              this help
`;

interface Settings {
  readonly parts: readonly PartName[];
  readonly scenarios: readonly ScenarioName[];
  readonly connections: readonly number[];
  readonly reps: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly payloadBytes: number;
  readonly pauseSeconds: number;
  readonly settleSeconds: number;
  readonly out: string;
  readonly cliMain: string;
  readonly pin: LoadSettings['pin'];
  readonly quick: boolean;
  readonly push: {
    readonly clients: number;
    readonly concurrency: readonly number[];
    readonly client: 'raw' | 'undici';
  };
  readonly cluster: {
    readonly bus: 'redis' | 'nats';
    readonly seconds: number;
    readonly warmupSeconds: number;
    readonly concurrency: number;
    readonly broadcastConnections: number;
    readonly broadcasts: number;
  };
  readonly idle: {
    readonly connections: number;
    readonly workersConnections: number;
    readonly workers: number | undefined;
    readonly settleMs: number;
  };
  readonly rollingStop: {
    readonly connections: number;
    readonly phaseMs: number;
    readonly store: 'sqlite' | 'redis';
  };
}

function positive(name: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(
      `--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

function nonNegative(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`--${name} must be a number of seconds, 0 or more, got ${JSON.stringify(text)}`);
  }
  return value;
}

function list(name: string, text: string): number[] {
  return text.split(',').map((item) => positive(name, item.trim(), true));
}

function isPartName(name: string): name is PartName {
  return (partNames as readonly string[]).includes(name);
}

function parseSettings(argv: readonly string[]): Settings | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      parts: { type: 'string' },
      scenarios: { type: 'string' },
      connections: { type: 'string' },
      reps: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'payload-bytes': { type: 'string' },
      pause: { type: 'string' },
      settle: { type: 'string' },
      out: { type: 'string' },
      cli: { type: 'string' },
      'push-clients': { type: 'string' },
      'push-concurrency': { type: 'string' },
      'push-client': { type: 'string' },
      'cluster-bus': { type: 'string' },
      'cluster-seconds': { type: 'string' },
      'cluster-concurrency': { type: 'string' },
      'broadcast-connections': { type: 'string' },
      broadcasts: { type: 'string' },
      'idle-connections': { type: 'string' },
      'idle-workers-connections': { type: 'string' },
      'idle-workers': { type: 'string' },
      'rolling-connections': { type: 'string' },
      'rolling-phase': { type: 'string' },
      'rolling-store': { type: 'string' },
      quick: { type: 'boolean', default: false },
      pin: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const quick = values.quick;
  const parts = (values.parts ?? partNames.join(',')).split(',').map((name) => name.trim());
  const unknownParts = parts.filter((name) => !isPartName(name));
  if (unknownParts.length > 0) throw new Error(`unknown part(s): ${unknownParts.join(', ')}`);
  const names = values.scenarios?.split(',').map((name) => name.trim()) ?? defaultScenarioNames();
  const unknown = names.filter((name) => !isScenarioName(name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}`);
  const bus = values['cluster-bus'] ?? 'redis';
  if (bus !== 'redis' && bus !== 'nats')
    throw new Error(`--cluster-bus must be redis or nats, got ${JSON.stringify(bus)}`);
  const pushClient = values['push-client'] ?? 'raw';
  if (pushClient !== 'raw' && pushClient !== 'undici')
    throw new Error(`--push-client must be raw or undici, got ${JSON.stringify(pushClient)}`);
  const store = values['rolling-store'] ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'redis')
    throw new Error(`--rolling-store must be sqlite or redis, got ${JSON.stringify(store)}`);
  const stamp = new Date()
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const pick = (value: string | undefined, normal: string, short: string): string =>
    value ?? (quick ? short : normal);
  return {
    parts: partNames.filter((name) => parts.includes(name)),
    scenarios: names.filter(isScenarioName),
    connections: list('connections', pick(values.connections, '1,100,1000', '1,100')),
    reps: positive('reps', pick(values.reps, '3', '1'), true),
    durationSeconds: positive('duration', pick(values.duration, '10', '3'), false),
    warmupSeconds: positive('warmup', pick(values.warmup, '3', '1'), false),
    payloadBytes: positive('payload-bytes', values['payload-bytes'] ?? '64', true),
    pauseSeconds: nonNegative('pause', values.pause ?? '1'),
    settleSeconds: nonNegative('settle', pick(values.settle, '20', '5')),
    out: values.out === undefined ? resolve(repoRoot, 'bench/results', `${stamp}.json`) : resolve(values.out),
    cliMain: values.cli === undefined ? defaultCliMain : resolve(values.cli),
    pin: values.pin ? pinning(cpus().length) : null,
    quick,
    push: {
      clients: positive('push-clients', pick(values['push-clients'], '100', '20'), true),
      concurrency: list('push-concurrency', values['push-concurrency'] ?? '32'),
      client: pushClient,
    },
    cluster: {
      bus,
      seconds: positive('cluster-seconds', pick(values['cluster-seconds'], '5', '1'), false),
      warmupSeconds: quick ? 0.5 : 1,
      concurrency: positive('cluster-concurrency', values['cluster-concurrency'] ?? '32', true),
      broadcastConnections: positive(
        'broadcast-connections',
        pick(values['broadcast-connections'], '10000', '1000'),
        true,
      ),
      broadcasts: positive('broadcasts', pick(values.broadcasts, '10', '3'), true),
    },
    idle: {
      connections: positive('idle-connections', pick(values['idle-connections'], '19000', '1000'), true),
      workersConnections: positive(
        'idle-workers-connections',
        pick(values['idle-workers-connections'], '100000', '2000'),
        true,
      ),
      workers:
        values['idle-workers'] === undefined
          ? undefined
          : positive('idle-workers', values['idle-workers'], true),
      settleMs: quick ? 1000 : 3000,
    },
    rollingStop: {
      connections: positive('rolling-connections', pick(values['rolling-connections'], '50', '10'), true),
      phaseMs: positive('rolling-phase', pick(values['rolling-phase'], '3', '1'), false) * 1000,
      store,
    },
  };
}

/** The load generator on the last CPU, the system under test on all the others. */
function pinning(cpuCount: number): LoadSettings['pin'] {
  if (cpuCount < 2) throw new Error('--pin needs at least 2 CPUs');
  const last = cpuCount - 1;
  return { system: last === 1 ? '0' : `0-${last - 1}`, loadGenerator: String(last) };
}

type PartOutcome<T> = T | { readonly error: string } | null;

interface SuiteResult {
  meta: Record<string, unknown>;
  /** The echo part, where result files before the suite had it. */
  measurements: readonly Measurement[];
  summary: Summary | null;
  push: PartOutcome<PushPart>;
  cluster: PartOutcome<ClusterResult>;
  idle: PartOutcome<IdleBenchResult>;
  rollingStop: PartOutcome<RollingStopResult>;
  bars: readonly SuiteBar[];
}

function failedPart(error: unknown): { error: string } {
  return { error: error instanceof Error ? error.message : String(error) };
}

/** The value of a part for the bars: `undefined` when not run, `null` when it failed. */
function barInput<T extends object>(outcome: PartOutcome<T>): T | null | undefined {
  if (outcome === null) return undefined;
  return 'error' in outcome ? null : outcome;
}

async function main(): Promise<number> {
  const settings = parseSettings(process.argv.slice(2));
  if (settings === null) {
    process.stdout.write(usage);
    return 0;
  }
  guardChildren();
  const machine = machineInfo(repoRoot);
  const echoSettings = {
    scenarios: settings.scenarios,
    connections: settings.connections,
    reps: settings.reps,
    durationSeconds: settings.durationSeconds,
    warmupSeconds: settings.warmupSeconds,
    payloadBytes: settings.payloadBytes,
    pauseSeconds: settings.pauseSeconds,
    settleSeconds: settings.settleSeconds,
    cliMain: settings.cliMain,
    pin: settings.pin,
  };
  const result: SuiteResult = {
    meta: {
      machine,
      settings,
      scenarios: settings.parts.includes('echo') ? echoScenarioDescriptions(echoSettings) : {},
      command: process.argv.slice(1).join(' '),
    },
    measurements: [],
    summary: null,
    push: null,
    cluster: null,
    idle: null,
    rollingStop: null,
    bars: [],
  };
  const save = (): void => {
    mkdirSync(dirname(settings.out), { recursive: true });
    writeFileSync(settings.out, `${JSON.stringify(result, null, 2)}\n`);
  };
  process.stderr.write(
    `Switchboard bench · ${machine.date} · Node ${machine.node} · ${machine.cores} × ${machine.cpuModel} · ` +
      `load average ${machine.loadAverageAtStart.toFixed(2)} · parts ${settings.parts.join(', ')}` +
      `${settings.quick ? ' (quick)' : ''}\n`,
  );
  const print = (table: string): void => {
    process.stdout.write(`${table}\n`);
  };
  let failures = 0;
  const runPart = async <T extends object>(
    name: PartName,
    run: () => Promise<T>,
    store: (outcome: PartOutcome<T>) => void,
    render: (value: T) => string,
  ): Promise<void> => {
    if (!settings.parts.includes(name)) return;
    process.stderr.write(`\n-- ${name} --\n`);
    try {
      const value = await run();
      store(value);
      print(render(value));
    } catch (error) {
      failures += 1;
      store(failedPart(error));
      print(`\n== ${name} failed: ${failedPart(error).error} ==`);
    }
    save();
  };

  let echo: EchoPart | null | undefined;
  await runPart(
    'echo',
    () =>
      runEchoPart(echoSettings, (part) => {
        result.measurements = part.measurements;
        result.summary = part.summary;
        save();
      }),
    (outcome) => {
      echo = outcome === null || 'error' in outcome ? null : outcome;
      if (echo !== null) {
        result.measurements = echo.measurements;
        result.summary = echo.summary;
        if (echo.measurements.some((run) => run.error !== null)) failures += 1;
      }
    },
    (part) => renderEchoPart(part, echoSettings),
  );
  await runPart(
    'push',
    () =>
      runPushBench({
        cliMain: settings.cliMain,
        connections: settings.push.clients,
        concurrency: settings.push.concurrency,
        reps: settings.reps,
        warmupSeconds: settings.warmupSeconds,
        durationSeconds: settings.durationSeconds,
        payloadBytes: settings.payloadBytes,
        client: settings.push.client,
        settleSeconds: settings.settleSeconds,
        pauseSeconds: settings.pauseSeconds,
      }),
    (outcome) => {
      result.push = outcome;
      if (outcome !== null && !('error' in outcome) && outcome.runs.some((run) => run.error !== null))
        failures += 1;
    },
    renderPushTable,
  );
  await runPart(
    'cluster',
    () => runClusterBench({ cliMain: settings.cliMain, pushClients: 100, ...settings.cluster }),
    (outcome) => (result.cluster = outcome),
    renderClusterTables,
  );
  await runPart(
    'idle',
    () =>
      runIdleBench({
        cliMain: settings.cliMain,
        connections: settings.idle.connections,
        workersConnections: settings.idle.workersConnections,
        settleMs: settings.idle.settleMs,
        ...(settings.idle.workers === undefined ? {} : { workers: settings.idle.workers }),
      }),
    (outcome) => (result.idle = outcome),
    renderIdleTable,
  );
  await runPart(
    'rolling-stop',
    () =>
      runRollingStop({
        cliMain: settings.cliMain,
        connections: settings.rollingStop.connections,
        phaseMs: settings.rollingStop.phaseMs,
        drainDelayMs: 500,
        store: settings.rollingStop.store,
      }),
    (outcome) => (result.rollingStop = outcome),
    (value) => `\n== Rolling backend stop ==\n${renderRollingStop(value)}`,
  );

  const inputs: SuiteInputs = {
    echo: echo === undefined ? undefined : (echo?.summary ?? null),
    push: barInput(result.push),
    idle: barInput(result.idle),
    rollingStop: barInput(result.rollingStop),
  };
  result.bars = suiteBars(inputs);
  save();
  process.stdout.write(`${renderSuiteBars(result.bars)}\n\nresults: ${settings.out}\n`);
  return failures === 0 ? 0 : 1;
}

main()
  .then(async (code) => {
    await stopAllChildren();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAllChildren();
    process.exit(1);
  });
