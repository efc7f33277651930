/**
 * Load process of the push benchmark, run apart so its CPU is never charged to the gateway: a
 * closed loop of C concurrent management API calls `POST {endpoint}/@connections/{id}` (a fixed
 * payload) over keep-alive connections (undici Pool), the ids taken round-robin. After a warm-up it
 * measures a window and reports JSON lines (see push-report.ts) on stdout.
 */
import { createHistogram, performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { buildRequest, RawHttpConnection } from './raw-http-client.js';
import { encodePushLoadEvent, type PushLoadEvent, type PushLoadResult } from './push-report.js';

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    'ids-file': { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '2' },
    duration: { type: 'string', default: '10' },
    'payload-bytes': { type: 'string', default: '64' },
    client: { type: 'string', default: 'raw' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

function emit(event: PushLoadEvent): void {
  process.stdout.write(encodePushLoadEvent(event));
}

if (values.endpoint === undefined || values['ids-file'] === undefined) {
  emit({ type: 'fatal', message: 'push-load: --endpoint and --ids-file are required' });
  process.exit(2);
}
const endpoint = new URL(values.endpoint);
const ids = readFileSync(values['ids-file'], 'utf8').split('\n').filter(Boolean);
const concurrency = Number(values.concurrency);
const warmupSeconds = Number(values.warmup);
const durationSeconds = Number(values.duration);
const payload = Buffer.from('switchboard-push:'.padEnd(Number(values['payload-bytes']), 'x'));
const basePath = endpoint.pathname.replace(/\/$/, '');
const paths = ids.map((id) => `${basePath}/@connections/${encodeURIComponent(id)}`);
const CONTENT_TYPE = 'text/plain';
const rawRequests = paths.map((path) => buildRequest('POST', endpoint.host, path, payload, CONTENT_TYPE));
if (values.client !== 'raw' && values.client !== 'undici') {
  emit({ type: 'fatal', message: `push-load: --client must be raw or undici, got ${values.client}` });
  process.exit(2);
}
const useRaw = values.client === 'raw';

if (values['exit-with-stdin']) {
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

/** HTTP answer times in nanoseconds, 3 significant figures, up to 60 s. */
const histogram = createHistogram({ lowest: 1, highest: 60e9, figures: 3 });
const pool = useRaw ? null : new Pool(endpoint.origin, { connections: concurrency, pipelining: 1 });

let phase: 'warmup' | 'window' | 'done' = 'warmup';
let windowStart = 0;
let windowEnd = 0;
let pushes = 0;
let non200 = 0;
let non200Sample: string | null = null;
let errors = 0;
let errorSample: string | null = null;
let answered200Total = 0;
let next = 0;

/** One push through `send`, counted by the phase it finished in. */
async function pushOnce(
  send: (index: number) => Promise<{ status: number; text: () => Promise<string> }>,
): Promise<void> {
  const index = next++ % paths.length;
  const sentAt = performance.now();
  try {
    const { status, text } = await send(index);
    const body = status === 200 ? '' : await text();
    if (status === 200) answered200Total += 1;
    if (phase !== 'window') return;
    if (status === 200) {
      pushes += 1;
      histogram.record(Math.max(1, Math.round((performance.now() - sentAt) * 1e6)));
    } else {
      non200 += 1;
      non200Sample ??= `${status} ${body.slice(0, 200)}`;
    }
  } catch (error) {
    if (phase !== 'window') return;
    errors += 1;
    errorSample ??= error instanceof Error ? error.message : String(error);
  }
}

async function rawLoop(): Promise<void> {
  const connection = new RawHttpConnection(endpoint.hostname, Number(endpoint.port || 80));
  const send = async (index: number): Promise<{ status: number; text: () => Promise<string> }> => {
    const answer = await connection.request(rawRequests[index] ?? Buffer.alloc(0));
    return { status: answer.status, text: () => Promise.resolve(answer.body.toString()) };
  };
  while (phase !== 'done') await pushOnce(send);
  connection.close();
}

async function undiciLoop(): Promise<void> {
  if (pool === null) return;
  const send = async (index: number): Promise<{ status: number; text: () => Promise<string> }> => {
    const { statusCode, body } = await pool.request({
      path: paths[index] ?? '',
      method: 'POST',
      body: payload,
      headers: { 'content-type': CONTENT_TYPE },
    });
    if (statusCode === 200) {
      await body.dump();
      return { status: statusCode, text: () => Promise.resolve('') };
    }
    const text = await body.text();
    return { status: statusCode, text: () => Promise.resolve(text) };
  };
  while (phase !== 'done') await pushOnce(send);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

async function main(): Promise<void> {
  if (paths.length === 0) throw new Error('no connection ids to push to');
  const loops = Array.from({ length: concurrency }, useRaw ? rawLoop : undiciLoop);
  await sleep(warmupSeconds * 1000);
  phase = 'window';
  windowStart = performance.now();
  emit({ type: 'window-start' });
  await sleep(durationSeconds * 1000);
  windowEnd = performance.now();
  emit({ type: 'window-end' });
  phase = 'done';
  // The requests still in flight finish (and count in answered200Total) before the result.
  await Promise.all(loops);
  await pool?.close();
  const windowSeconds = (windowEnd - windowStart) / 1000;
  const ms = (ns: number): number => ns / 1e6;
  const result: PushLoadResult = {
    endpoint: endpoint.href,
    connectionIds: ids.length,
    concurrency,
    payloadBytes: payload.length,
    warmupSeconds,
    windowSeconds,
    pushes,
    pushesPerSecond: windowSeconds > 0 ? pushes / windowSeconds : 0,
    latencyMs: {
      mean: pushes > 0 ? ms(histogram.mean) : 0,
      p50: pushes > 0 ? ms(histogram.percentile(50)) : 0,
      p90: pushes > 0 ? ms(histogram.percentile(90)) : 0,
      p99: pushes > 0 ? ms(histogram.percentile(99)) : 0,
      max: pushes > 0 ? ms(histogram.max) : 0,
    },
    non200,
    non200Sample,
    errors,
    errorSample,
    answered200Total,
  };
  emit({ type: 'result', result });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    emit({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
