/**
 * `switchboard bench WS_URL`: a load test of any gateway stage (or any WebSocket echo). By default
 * the workload of the benchmark harness (`npm run bench`): a closed loop of N clients, a warm-up,
 * then a measured window; `--rate N` runs a steady rate instead. It draws a progress bar on a
 * terminal and prints a summary table, or `--json`. The load itself is bench-load.ts, the same code
 * the harness's load process runs; the table is bench-summary.ts.
 */
import { parseArgs } from 'node:util';
import { GatewayError } from '@switchboard/gateway';
import { printJson, stylesFor } from '../output/terminal.js';
import { exitCodes, parseFlags } from '../usage-error.js';
import { defaultMessage, runLoad, type BenchResult, type LoadOptions } from './bench-load.js';
import { progressBar } from './bench-progress.js';
import { benchSucceeded, formatSummary } from './bench-summary.js';

export { defaultMessage, type BenchResult } from './bench-load.js';

export const benchHelp = `Usage: switchboard bench WS_URL [options]

Load-tests a stage: opens N WebSocket clients that send a message and wait for its reply, then
prints a table of connections, messages, replies per second and the round-trip latency (p50, p90,
p99, max) of the measured window.

By default it runs the workload of the benchmark harness (npm run bench): a closed loop, each
client sending its next message as soon as the reply to the previous one has arrived, after a
warm-up; the figures mean the same as the harness's: how fast the gateway answers at that
concurrency. --rate N sends N messages per second per client instead: a steady load, to see the
latency at a given throughput. The closed loop is --rate 0 rather than a flag of its own, so that
one flag sets the pacing and no combination of flags contradicts another.

The route must answer every message (the sample backend's $default does): a reply counts when it
begins with the message sent, anything else is an unexpected reply. The default message is plain
text, so that a $request.body.action route selection sends it to $default.

Exit 1 when a client could not connect or was closed, a reply was missing or unexpected, a client
got no reply in the window, or nothing came back; 2 on a usage error.

Options:
  WS_URL, --url URL    ws:// or wss:// URL of the stage, e.g. ws://127.0.0.1:8080/dev
  --connections N      clients (default 100)
  --duration S         seconds measured (default 10)
  --warmup S           seconds of load before the measured window (default 2, or 0 with --rate N)
  --rate N             messages per second per client; 0 = closed loop (default 0)
  --message TEXT       the message (default: switchboard-bench:xxx…, --payload-bytes long)
  --payload-bytes N    length of the default message (default 64)
  --timeout MS         longest wait for a handshake or a reply (default 5000)
  --json               print the result as one JSON document
  -h, --help           this help

A progress bar is drawn on stderr when it is a terminal.

Examples:
  switchboard bench ws://127.0.0.1:8080/dev
  switchboard bench ws://127.0.0.1:8080/dev --connections 1000 --duration 30
  switchboard bench ws://127.0.0.1:8080/dev --connections 200 --rate 5 --duration 30
  switchboard bench 'ws://127.0.0.1:8080/dev?token=T' --message '{"action":"echo","data":"x"}' --json
`;

function usage(message: string): GatewayError {
  return new GatewayError('SWB_ERR_CLI_USAGE', `switchboard bench: ${message}`);
}

interface NumberRule {
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
  readonly whole?: boolean;
}

function numberFlag(name: string, text: string | undefined, rule: NumberRule): number {
  if (text === undefined) return rule.fallback;
  const value = Number(text);
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    value < rule.min ||
    value > rule.max ||
    (rule.whole === true && !Number.isInteger(value))
  )
    throw usage(
      `--${name} must be a ${rule.whole === true ? 'whole number' : 'number'} from ${String(rule.min)} to ${String(rule.max)}, got "${text}"`,
    );
  return value;
}

/** The URL: the one positional argument or --url (both only when they agree). */
function urlArgument(positionals: readonly string[], flag: string | undefined): string {
  if (positionals.length > 1)
    throw usage(`one URL expected, got ${positionals.map((p) => `"${p}"`).join(' ')}`);
  const [positional] = positionals;
  if (positional !== undefined && flag !== undefined && positional !== flag)
    throw usage(`two different URLs: "${positional}" and --url "${flag}"`);
  const url = positional ?? flag;
  if (url === undefined || !/^wss?:\/\//.test(url))
    throw usage('a ws:// or wss:// URL is required, e.g. ws://127.0.0.1:8080/dev');
  return url;
}

export async function bench(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseFlags('bench', () =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        connections: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        rate: { type: 'string' },
        message: { type: 'string' },
        'payload-bytes': { type: 'string' },
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
  const url = urlArgument(positionals, values.url);
  const rate = numberFlag('rate', values.rate, { fallback: 0, min: 0, max: 10_000 });
  if (values.message !== undefined && values['payload-bytes'] !== undefined)
    throw usage(
      '--message and --payload-bytes do not go together: --payload-bytes sizes the default message',
    );
  if (values.message === '') throw usage('--message must not be empty');
  const payloadBytes = numberFlag('payload-bytes', values['payload-bytes'], {
    fallback: 64,
    min: 1,
    max: 1_048_576,
    whole: true,
  });
  const result = await runWithProgress({
    url,
    connections: numberFlag('connections', values.connections, {
      fallback: 100,
      min: 1,
      max: 100_000,
      whole: true,
    }),
    durationSeconds: numberFlag('duration', values.duration, { fallback: 10, min: 0.1, max: 86_400 }),
    warmupSeconds: numberFlag('warmup', values.warmup, { fallback: rate === 0 ? 2 : 0, min: 0, max: 3600 }),
    rate,
    timeoutMs: numberFlag('timeout', values.timeout, { fallback: 5000, min: 1, max: 600_000 }),
    message: Buffer.from(values.message ?? defaultMessage(payloadBytes)),
  });
  if (values.json === true) printJson(result);
  else process.stdout.write(formatSummary(result, stylesFor(process.stdout, env)));
  return benchSucceeded(result) ? exitCodes.ok : exitCodes.failure;
}

async function runWithProgress(options: LoadOptions): Promise<BenchResult> {
  const bar = progressBar();
  try {
    return await runLoad(options, (progress) => {
      bar.update(progress);
    });
  } finally {
    bar.finish();
  }
}
