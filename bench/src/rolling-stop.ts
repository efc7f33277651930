/**
 * The rolling-stop benchmark (`npm run bench:rolling-stop`): two sample-backend replicas behind a
 * `switchboard gateway` (all separate processes), closed-loop clients sending through it, and the
 * replicas stopped with SIGTERM and restarted one after the other. Reports messages, failures and
 * the p99 round trip overall and during the stops; writes the figures to bench/results/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const backendMain = join(root, 'examples/sample-backend/dist/main.js');
const cliMain = join(root, 'packages/cli/dist/main.js');

const usage = `Usage: node bench/dist/rolling-stop.js [options]   (npm run bench:rolling-stop -- [options])

  --connections N    closed-loop clients (default 50)
  --phase S          seconds between steps: steady, stop A, restart A, stop B, end (default 3)
  --drain-delay-ms N the replicas' drain delay after SIGTERM (default 500)
  --store KIND       sample-backend session store: sqlite (shared file) or redis (default sqlite)
  --out FILE         result JSON (default bench/results/rolling-stop-<timestamp>.json)
  --help             this help
`;

interface Settings {
  readonly connections: number;
  readonly phaseMs: number;
  readonly drainDelayMs: number;
  readonly store: 'sqlite' | 'redis';
  readonly out: string;
}

function parseSettings(argv: readonly string[]): Settings | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      connections: { type: 'string', default: '50' },
      phase: { type: 'string', default: '3' },
      'drain-delay-ms': { type: 'string', default: '500' },
      store: { type: 'string', default: 'sqlite' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const number = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
    return value;
  };
  if (values.store !== 'sqlite' && values.store !== 'redis')
    throw new Error(`--store must be sqlite or redis, got ${JSON.stringify(values.store)}`);
  const stamp = new Date()
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  return {
    connections: Math.round(number('connections', values.connections)),
    phaseMs: number('phase', values.phase) * 1000,
    drainDelayMs: Math.round(number('drain-delay-ms', values['drain-delay-ms'])),
    store: values.store,
    out: resolve(values.out ?? join(root, 'bench/results', `rolling-stop-${stamp}.json`)),
  };
}

/** Every child started, so that any exit path stops them by pid. */
const children = new Set<ChildProcess>();

function stopAll(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      process.kill(child.pid, 'SIGKILL');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Starts a child and resolves once its stdout matches `ready`. */
async function start(args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SWITCHBOARD_LOG_LEVEL: 'warn' },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  await new Promise<void>((resolveReady, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (ready.test(stdout)) resolveReady();
    });
    child.once('exit', (code) =>
      reject(new Error(`${args[0] ?? ''} exited with ${String(code)} before it was ready: ${stderr}`)),
    );
  });
  return child;
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  return exited;
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

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  if (settings === null) {
    process.stdout.write(usage);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'swb-bench-rolling-'));
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
  try {
    const ports = [await freePort(), await freePort()];
    const [clientPort, adminPort] = [await freePort(), await freePort()];
    const replicas = await Promise.all(
      ports.map((port) => start(backendArgs(port), /sample backend listening on/)),
    );
    const configFile = join(dir, 'gateway.yml');
    writeFileSync(configFile, gatewayConfig(clientPort, adminPort, ports));
    await start([cliMain, 'gateway', '--config', configFile], /Switchboard is running/);

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
    const exitA = await stop(replicas[0] as ChildProcess);
    await sleep(settings.phaseMs);
    replicas[0] = await start(backendArgs(ports[0] ?? 0), /sample backend listening on/);
    windows.push({ from, to: performance.now() + 1000 });
    await sleep(settings.phaseMs);
    from = performance.now();
    const exitB = await stop(replicas[1] as ChildProcess);
    windows.push({ from, to: performance.now() + 1000 });
    await sleep(settings.phaseMs);
    running = false;
    const t1 = performance.now();
    await Promise.all(stops.map((close) => close()));

    const during = totals.samples.filter((s) => windows.some((w) => s.at >= w.from && s.at <= w.to));
    const result = {
      scenario: 'rolling-stop',
      settings,
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
    mkdirSync(resolve(settings.out, '..'), { recursive: true });
    writeFileSync(settings.out, JSON.stringify(result, null, 2) + '\n');
    const fmt = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(2));
    process.stdout.write(
      [
        `rolling stop: ${String(settings.connections)} clients, two replicas (${settings.store}), drain delay ${String(settings.drainDelayMs)} ms`,
        `  messages            ${String(result.messages)} (${result.messagesPerSecond.toFixed(0)}/s)`,
        `  failures            ${String(result.failures)}${result.failureSample === undefined ? '' : ` (e.g. ${result.failureSample})`}`,
        `  disconnects         ${String(result.disconnects)}`,
        `  p99 round trip      ${fmt(result.p99Ms)} ms`,
        `  p99 during stops    ${fmt(result.p99DuringStopsMs)} ms (${String(result.messagesDuringStops)} messages)`,
        `  replica exit codes  ${JSON.stringify(result.replicaExitCodes)}`,
        `  written to ${settings.out}`,
        '',
      ].join('\n'),
    );
    if (result.failures > 0 || result.disconnects > 0) process.exitCode = 1;
  } finally {
    stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

try {
  await main();
} catch (error) {
  stopAll();
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
}
