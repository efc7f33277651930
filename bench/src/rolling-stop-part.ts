/**
 * The rolling-stop part of the suite: two sample-backend replicas behind a `switchboard gateway`
 * (all separate processes), closed-loop clients sending through it, and the replicas stopped with
 * SIGTERM and restarted one after the other. `runRollingStop` returns messages, failures and the
 * p99 round trip overall and during the stops; called by the suite (run.ts) and by the thin CLI
 * rolling-stop.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { freePorts, startNode, stopChild, waitForLine, type Child } from './child-processes.js';
import { repoRoot } from './scenarios.js';

const backendMain = join(repoRoot, 'examples/sample-backend/dist/main.js');

export interface RollingStopSettings {
  readonly cliMain: string;
  /** Closed-loop clients. */
  readonly connections: number;
  /** Between steps: steady, stop A, restart A, stop B, end. */
  readonly phaseMs: number;
  /** The replicas' drain delay after SIGTERM. */
  readonly drainDelayMs: number;
  /** Sample-backend session store: sqlite (a shared file) or redis. */
  readonly store: 'sqlite' | 'redis';
}

export interface RollingStopResult {
  readonly scenario: 'rolling-stop';
  readonly settings: Omit<RollingStopSettings, 'cliMain'>;
  readonly replicaExitCodes: readonly (number | string)[];
  readonly seconds: number;
  readonly messages: number;
  readonly messagesPerSecond: number;
  /** Replies that were not the expected echo. */
  readonly failures: number;
  readonly failureSample: string | undefined;
  /** Client connections closed by the gateway side. */
  readonly disconnects: number;
  readonly p99Ms: number | undefined;
  readonly p99DuringStopsMs: number | undefined;
  readonly messagesDuringStops: number;
}

const START_TIMEOUT_MS = 30_000;
const env = (): NodeJS.ProcessEnv => ({ ...process.env, SWITCHBOARD_LOG_LEVEL: 'warn' });

async function startReady(name: string, args: string[], ready: RegExp): Promise<Child> {
  const child = startNode(name, args, { cwd: repoRoot, env: env() });
  try {
    await waitForLine(child, ready, START_TIMEOUT_MS);
    return child;
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** SIGTERM, then the exit code once it exited (SIGKILL after 30 s). */
async function terminate(child: Child): Promise<number | string> {
  child.process.kill('SIGTERM');
  const code = await Promise.race([child.exited, sleep(30_000).then(() => null)]);
  if (code !== null) return code;
  await stopChild(child, 0);
  return 'SIGKILL';
}

function gatewayConfig(clientPort: number, adminPort: number, ports: readonly number[]): string {
  const integration = (path: string): string =>
    `  ${path.slice(1)}:\n    uri: http://127.0.0.1:${String(ports[0])}${path}\n    uris: [${ports
      .slice(1)
      .map((port) => `http://127.0.0.1:${String(port)}${path}`)
      .join(', ')}]\n    timeoutMs: 10000\n    upstream: { probePath: /readyz, probeIntervalMs: 100 }\n`;
  return [
    `listen: { host: 127.0.0.1, port: ${String(clientPort)} }`,
    `admin: { host: 127.0.0.1, port: ${String(adminPort)} }`,
    'api: { stages: [dev] }',
    'routes:',
    '  $connect: { integration: connect }',
    '  $disconnect: { integration: disconnect }',
    '  $default: { integration: message, twoWay: true }',
    'integrations:',
    integration('/connect') + integration('/disconnect') + integration('/message'),
  ].join('\n');
}

interface Sample {
  readonly at: number;
  readonly rttMs: number;
}

interface Totals {
  answered: number;
  failures: number;
  disconnects: number;
  failureSample: string | undefined;
  readonly samples: Sample[];
}

/** A closed-loop client; each reply must be `name-k [#n]`, n counting up by one. */
async function client(
  url: string,
  name: string,
  totals: Totals,
  running: () => boolean,
): Promise<() => Promise<void>> {
  const ws = new WebSocket(url);
  await new Promise<void>((done, reject) => {
    ws.once('open', () => done());
    ws.once('error', reject);
  });
  let stopping = false;
  ws.on('close', () => {
    if (!stopping) totals.disconnects += 1;
  });
  let k = 0;
  let count: number | undefined;
  let sentAt = 0;
  const sendNext = (): void => {
    if (!running() || ws.readyState !== WebSocket.OPEN) return;
    sentAt = performance.now();
    ws.send(`${name}-${String(k)}`);
  };
  ws.on('message', (data: Buffer) => {
    const now = performance.now();
    const reply = data.toString();
    const match = /^(.*) \[#(\d+)\]$/.exec(reply);
    const n = match === null ? undefined : Number(match[2]);
    if (
      match?.[1] === `${name}-${String(k)}` &&
      n !== undefined &&
      (count === undefined || n === count + 1)
    ) {
      totals.answered += 1;
      totals.samples.push({ at: now, rttMs: now - sentAt });
      count = n;
    } else {
      totals.failures += 1;
      totals.failureSample ??= reply.slice(0, 200);
    }
    k += 1;
    sendNext();
  });
  sendNext();
  return async () => {
    stopping = true;
    if (ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((done) => ws.once('close', () => done()));
    ws.close();
    await closed;
  };
}

function p99(samples: readonly Sample[]): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = samples.map((s) => s.rttMs).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
}

/** Runs the rolling stop once; every process it starts is stopped before it returns. */
export async function runRollingStop(settings: RollingStopSettings): Promise<RollingStopResult> {
  const dir = mkdtempSync(join(tmpdir(), 'swb-bench-rolling-'));
  const started = new Set<Child>();
  const storeArgs =
    settings.store === 'sqlite'
      ? ['--store', 'sqlite', '--sqlite-path', join(dir, 'sessions.db')]
      : ['--store', 'redis'];
  const backendArgs = (port: number): string[] => [
    backendMain,
    '--port',
    String(port),
    '--drain-delay-ms',
    String(settings.drainDelayMs),
    '--log-level',
    'warn',
    ...storeArgs,
  ];
  const startBackend = async (name: string, port: number): Promise<Child> => {
    const child = await startReady(name, backendArgs(port), /sample backend listening on/);
    started.add(child);
    return child;
  };
  try {
    const [portA = 0, portB = 0, clientPort = 0, adminPort = 0] = await freePorts(4);
    const ports = [portA, portB];
    const [replicaA, replicaB] = await Promise.all([
      startBackend('replica A', portA),
      startBackend('replica B', portB),
    ]);
    const configFile = join(dir, 'gateway.yml');
    writeFileSync(configFile, gatewayConfig(clientPort, adminPort, ports));
    started.add(
      await startReady(
        'rolling-stop gateway',
        [settings.cliMain, 'gateway', '--config', configFile],
        /Switchboard is running/,
      ),
    );

    const totals: Totals = {
      answered: 0,
      failures: 0,
      disconnects: 0,
      failureSample: undefined,
      samples: [],
    };
    let running = true;
    const url = `ws://127.0.0.1:${String(clientPort)}/dev`;
    const stops = await Promise.all(
      Array.from({ length: settings.connections }, (_, i) =>
        client(url, `c${String(i)}`, totals, () => running),
      ),
    );
    const windows: { from: number; to: number }[] = [];
    const t0 = performance.now();

    // The benchmark's script is a timeline: each step waits its phase.
    await sleep(settings.phaseMs);
    let from = performance.now();
    const exitA = await terminate(replicaA);
    await sleep(settings.phaseMs);
    await startBackend('replica A (restarted)', portA);
    windows.push({ from, to: performance.now() + 1000 });
    await sleep(settings.phaseMs);
    from = performance.now();
    const exitB = await terminate(replicaB);
    windows.push({ from, to: performance.now() + 1000 });
    await sleep(settings.phaseMs);
    running = false;
    const t1 = performance.now();
    await Promise.all(stops.map((close) => close()));

    const during = totals.samples.filter((s) => windows.some((w) => s.at >= w.from && s.at <= w.to));
    const { cliMain: _cliMain, ...shown } = settings;
    return {
      scenario: 'rolling-stop',
      settings: shown,
      replicaExitCodes: [exitA, exitB],
      seconds: (t1 - t0) / 1000,
      messages: totals.answered,
      messagesPerSecond: totals.answered / ((t1 - t0) / 1000),
      failures: totals.failures,
      failureSample: totals.failureSample,
      disconnects: totals.disconnects,
      p99Ms: p99(totals.samples),
      p99DuringStopsMs: p99(during),
      messagesDuringStops: during.length,
    };
  } finally {
    await Promise.all([...started].map((child) => stopChild(child)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lines a rolling-stop run prints. */
export function renderRollingStop(result: RollingStopResult): string {
  const { settings } = result;
  const fmt = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(2));
  return [
    `rolling stop: ${String(settings.connections)} clients, two replicas (${settings.store}), drain delay ${String(settings.drainDelayMs)} ms`,
    `  messages            ${String(result.messages)} (${result.messagesPerSecond.toFixed(0)}/s)`,
    `  failures            ${String(result.failures)}${result.failureSample === undefined ? '' : ` (e.g. ${result.failureSample})`}`,
    `  disconnects         ${String(result.disconnects)}`,
    `  p99 round trip      ${fmt(result.p99Ms)} ms`,
    `  p99 during stops    ${fmt(result.p99DuringStopsMs)} ms (${String(result.messagesDuringStops)} messages)`,
    `  replica exit codes  ${JSON.stringify(result.replicaExitCodes)}`,
  ].join('\n');
}
