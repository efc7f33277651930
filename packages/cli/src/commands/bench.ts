/**
 * `switchboard bench --url ws://…`: a quick load test of any gateway (or any WebSocket echo): N
 * clients each send a message at a steady rate, wait for a reply, and the round-trip latency
 * percentiles and throughput are printed. It measures through the real route and backend; the
 * side-by-side harness that compares with a bare WebSocket server is `npm run bench` (docs/benchmarks.md).
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '@switchboard/gateway';
import { WebSocket } from 'ws';
import { printJson, progressLine, stylesFor } from '../output/terminal.js';
import { exitCodes, parseFlags } from '../usage-error.js';

export const benchHelp = `Usage: switchboard bench --url WS_URL [options]

Opens N WebSocket clients, each sending MESSAGE RATE times a second and waiting for a reply (a
two-way route must answer every message), for DURATION seconds; then prints the throughput and
the round-trip latency (p50, p90, p99, max). Exit 1 when a client could not connect, a reply was
missing, or nothing came back.

Options:
  --url URL            ws:// or wss:// URL of the stage, e.g. ws://127.0.0.1:8080/dev
  --connections N      clients (default 10)
  --duration S         seconds of sending (default 10)
  --rate N             messages per second per client (default 1)
  --message TEXT       the message (default: hello)
  --timeout MS         longest wait for a reply before it counts as missing (default 5000)
  --json               print the result as JSON
  -h, --help           this help

Examples:
  switchboard bench --url ws://127.0.0.1:8080/dev
  switchboard bench --url ws://127.0.0.1:8080/dev --connections 200 --rate 5 --duration 30
  switchboard bench --url 'ws://127.0.0.1:8080/dev?token=T' --message '{"action":"echo","data":"x"}' --json
`;

export interface BenchResult {
  readonly url: string;
  readonly connections: { readonly requested: number; readonly opened: number; readonly failed: number };
  readonly durationSeconds: number;
  readonly sent: number;
  readonly replies: number;
  readonly missing: number;
  readonly repliesPerSecond: number;
  /** Round-trip latency in milliseconds; null when no reply came. */
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  } | null;
  readonly firstError?: string;
}

function whole(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max)
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard bench: --${name} must be a number above 0 and at most ${max}, got "${text}"`,
    );
  return value;
}

export async function bench(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseFlags('bench', () =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        connections: { type: 'string' },
        duration: { type: 'string' },
        rate: { type: 'string' },
        message: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) {
    process.stdout.write(benchHelp);
    return exitCodes.ok;
  }
  if (values.url === undefined || !/^wss?:\/\//.test(values.url))
    throw new GatewayError('SWB_ERR_CLI_USAGE', 'switchboard bench: --url ws://HOST:PORT/STAGE is required');
  const connections = Math.round(whole('connections', values.connections, 10, 100_000));
  const durationSeconds = whole('duration', values.duration, 10, 86_400);
  const rate = whole('rate', values.rate, 1, 10_000);
  const timeoutMs = whole('timeout', values.timeout, 5000, 600_000);
  const result = await run({
    url: values.url,
    connections,
    durationSeconds,
    rate,
    timeoutMs,
    message: values.message ?? 'hello',
  });
  if (values.json === true) printJson(result);
  else printResult(result, env);
  const ok = result.connections.failed === 0 && result.missing === 0 && result.replies > 0;
  return ok ? exitCodes.ok : exitCodes.failure;
}

interface RunOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly rate: number;
  readonly timeoutMs: number;
  readonly message: string;
}

/** Opens one client; rejects with the status when the handshake is refused. */
function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      resolve(socket);
    });
    socket.once('unexpected-response', (_request, response) => {
      reject(new Error(`handshake refused with ${String(response.statusCode)}`));
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

async function run(options: RunOptions): Promise<BenchResult> {
  const progress = progressLine('bench');
  const sockets: WebSocket[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const opened = await Promise.allSettled(
    Array.from({ length: options.connections }, () => open(options.url)),
  );
  for (const outcome of opened) {
    if (outcome.status === 'fulfilled') sockets.push(outcome.value);
    else {
      failed++;
      firstError ??= outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
    }
  }
  const latencies: number[] = [];
  let sent = 0;
  let missing = 0;
  const started = performance.now();
  const end = started + options.durationSeconds * 1000;
  const interval = 1000 / options.rate;
  const ticker = setInterval(() => {
    progress.update(
      Math.min(options.durationSeconds, Math.round((performance.now() - started) / 1000)),
      options.durationSeconds,
    );
  }, 250);
  await Promise.all(
    sockets.map(async (socket) => {
      // Reply waiters in order: a reply settles the oldest message still waiting.
      const waiting: ((at: number) => void)[] = [];
      socket.on('message', () => waiting.shift()?.(performance.now()));
      socket.on('error', () => undefined);
      // Spread the clients' first sends over one interval (at most half the run, so every client sends).
      await sleep(Math.random() * Math.min(interval, (end - performance.now()) / 2));
      while (performance.now() < end && socket.readyState === WebSocket.OPEN) {
        const sentAt = performance.now();
        const reply = new Promise<number | undefined>((resolve) => {
          const timer = setTimeout(() => {
            resolve(undefined);
          }, options.timeoutMs);
          waiting.push((at) => {
            clearTimeout(timer);
            resolve(at);
          });
        });
        socket.send(options.message);
        sent++;
        const at = await reply;
        if (at === undefined) {
          missing++;
          firstError ??= `no reply within ${String(options.timeoutMs)} ms`;
          break;
        }
        latencies.push(at - sentAt);
        const wait = interval - (performance.now() - sentAt);
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  clearInterval(ticker);
  progress.finish();
  const elapsedSeconds = (performance.now() - started) / 1000;
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) {
            resolve();
            return;
          }
          socket.once('close', () => {
            resolve();
          });
          socket.close(1000, 'bench done');
          setTimeout(() => {
            socket.terminate();
          }, 2000).unref();
        }),
    ),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 100) /
    100;
  return {
    url: options.url,
    connections: { requested: options.connections, opened: sockets.length, failed },
    durationSeconds: Math.round(elapsedSeconds * 100) / 100,
    sent,
    replies: latencies.length,
    missing,
    repliesPerSecond: Math.round((latencies.length / Math.max(elapsedSeconds, 0.001)) * 10) / 10,
    latencyMs: latencies.length === 0 ? null : { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) },
    ...(firstError === undefined ? {} : { firstError }),
  };
}

function printResult(result: BenchResult, env: NodeJS.ProcessEnv): void {
  const { bold, red, green } = stylesFor(process.stdout, env);
  const ok = result.connections.failed === 0 && result.missing === 0 && result.replies > 0;
  const latency =
    result.latencyMs === null
      ? 'no replies'
      : `p50 ${String(result.latencyMs.p50)} ms  p90 ${String(result.latencyMs.p90)} ms  p99 ${String(result.latencyMs.p99)} ms  max ${String(result.latencyMs.max)} ms`;
  process.stdout.write(
    [
      `${bold('bench')} ${result.url}`,
      `  connections  ${String(result.connections.opened)}/${String(result.connections.requested)} opened${result.connections.failed > 0 ? red(`, ${String(result.connections.failed)} failed`) : ''}`,
      `  messages     ${String(result.sent)} sent, ${String(result.replies)} replies${result.missing > 0 ? red(`, ${String(result.missing)} missing`) : ''} in ${String(result.durationSeconds)} s`,
      `  throughput   ${String(result.repliesPerSecond)} replies/s`,
      `  latency      ${latency}`,
      ...(result.firstError === undefined ? [] : [`  first error  ${red(result.firstError)}`]),
      ok ? green('OK') : red('FAILED'),
      '',
    ].join('\n'),
  );
}
