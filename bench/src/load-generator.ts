/**
 * Closed-loop WebSocket load, run as its own process so its CPU is never charged to the system
 * under test: N connections each send a fixed text payload and wait for the reply before sending
 * again. After a warm-up it measures a window and reports JSON lines (see load-report.ts) on stdout.
 */
import { performance, createHistogram } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { WebSocket, type RawData } from 'ws';
import { encodeLoadEvent, type LoadEvent, type LoadResult } from './load-report.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    'payload-bytes': { type: 'string', default: '64' },
    'connect-concurrency': { type: 'string', default: '100' },
    'connect-timeout': { type: 'string', default: '10' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

if (values.url === undefined) {
  process.stderr.write('load-generator: --url is required\n');
  process.exit(2);
}
const url = values.url;
const connectionCount = Number(values.connections);
const warmupSeconds = Number(values.warmup);
const durationSeconds = Number(values.duration);
const payloadBytes = Number(values['payload-bytes']);
const connectConcurrency = Number(values['connect-concurrency']);
const connectTimeoutMs = Number(values['connect-timeout']) * 1000;

/** Plain ASCII, not JSON: a route selection on `$request.body.action` sends it to `$default`. */
const payload = Buffer.from('switchboard-bench:'.padEnd(payloadBytes, 'x').slice(0, payloadBytes));

/** Round trips in nanoseconds, HDR histogram with 3 significant figures, up to 60 s. */
const HIGHEST_NS = 60e9;
const histogram = createHistogram({ lowest: 1, highest: HIGHEST_NS, figures: 3 });

interface Client {
  readonly socket: WebSocket;
  sentAt: number;
  inWindow: number;
  open: boolean;
}

const clients: Client[] = [];
let measuring = false;
let stopping = false;
let windowStart = 0;
let windowEnd = 0;
let messages = 0;
let unexpectedReplies = 0;
let unexpectedSample: string | null = null;
let connectErrors = 0;
let socketErrors = 0;
let unexpectedCloses = 0;

function emit(event: LoadEvent, then?: () => void): void {
  process.stdout.write(encodeLoadEvent(event), then);
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * A reply is the echo when it begins with the payload: the sample backend may append to it (its
 * per-connection message count, ` [#12]`); an error frame or anything else is unexpected.
 */
function isEcho(reply: Buffer): boolean {
  return reply.length >= payload.length && reply.compare(payload, 0, payload.length, 0, payload.length) === 0;
}

function sendNext(client: Client): void {
  if (stopping || !client.open) return;
  client.sentAt = performance.now();
  client.socket.send(payload, { binary: false });
}

function onReply(client: Client, data: RawData): void {
  const now = performance.now();
  if (measuring) {
    const reply = asBuffer(data);
    if (isEcho(reply)) {
      messages += 1;
      client.inWindow += 1;
      const ns = Math.round((now - client.sentAt) * 1e6);
      histogram.record(Math.min(Math.max(ns, 1), HIGHEST_NS));
    } else {
      unexpectedReplies += 1;
      unexpectedSample ??= reply.toString('utf8').slice(0, 200);
    }
  }
  sendNext(client);
}

function connect(): Promise<Client | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: connectTimeoutMs });
    const client: Client = { socket, sentAt: 0, inWindow: 0, open: false };
    socket.on('open', () => {
      client.open = true;
      resolve(client);
    });
    socket.on('message', (data) => {
      onReply(client, data);
    });
    socket.on('error', () => {
      if (client.open) socketErrors += 1;
    });
    socket.on('close', () => {
      if (!client.open) {
        connectErrors += 1;
        resolve(null);
        return;
      }
      client.open = false;
      if (!stopping) unexpectedCloses += 1;
    });
  });
}

async function connectAll(): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < connectionCount) {
      next += 1;
      const client = await connect();
      if (client !== null) clients.push(client);
    }
  };
  await Promise.all(Array.from({ length: Math.min(connectConcurrency, connectionCount) }, worker));
}

function nsToMs(ns: number): number {
  return ns / 1e6;
}

function buildResult(): LoadResult {
  const windowSeconds = (windowEnd - windowStart) / 1000;
  const empty = histogram.count === 0;
  const counts = clients.map((client) => client.inWindow);
  return {
    url,
    connections: connectionCount,
    connected: clients.length,
    openAtEnd: clients.filter((client) => client.open).length,
    payloadBytes,
    warmupSeconds,
    windowSeconds,
    messages,
    msgsPerSecond: windowSeconds > 0 ? messages / windowSeconds : 0,
    latencyMs: {
      min: empty ? 0 : nsToMs(histogram.min),
      mean: empty ? 0 : nsToMs(histogram.mean),
      p50: empty ? 0 : nsToMs(histogram.percentile(50)),
      p90: empty ? 0 : nsToMs(histogram.percentile(90)),
      p99: empty ? 0 : nsToMs(histogram.percentile(99)),
      max: empty ? 0 : nsToMs(histogram.max),
    },
    unexpectedReplies,
    unexpectedSample,
    connectErrors,
    socketErrors,
    unexpectedCloses,
    perConnection: {
      min: counts.length === 0 ? 0 : Math.min(...counts),
      max: counts.length === 0 ? 0 : Math.max(...counts),
    },
    stalledConnections: counts.filter((count) => count === 0).length,
  };
}

/** Closes every connection politely, then terminates whatever has not closed after a grace period. */
async function closeAll(graceMs: number): Promise<void> {
  const pending = clients
    .filter((client) => client.socket.readyState !== WebSocket.CLOSED)
    .map(
      (client) =>
        new Promise<void>((resolve) => {
          client.socket.once('close', () => {
            resolve();
          });
          client.socket.close(1000, 'bench done');
        }),
    );
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([Promise.all(pending), grace]);
  clearTimeout(timer);
  for (const client of clients) {
    if (client.socket.readyState !== WebSocket.CLOSED) client.socket.terminate();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(): Promise<void> {
  await connectAll();
  emit({ type: 'connected', connected: clients.length, connectErrors });
  if (clients.length === 0) {
    emit({ type: 'fatal', message: `no connection to ${url} succeeded` }, () => process.exit(1));
    return;
  }
  for (const client of clients) sendNext(client);

  await sleep(warmupSeconds * 1000);
  histogram.reset();
  for (const client of clients) client.inWindow = 0;
  messages = 0;
  unexpectedReplies = 0;
  windowStart = performance.now();
  measuring = true;
  emit({ type: 'window-start' });

  await sleep(durationSeconds * 1000);
  measuring = false;
  windowEnd = performance.now();
  stopping = true;
  emit({ type: 'window-end' });

  const result = buildResult();
  await closeAll(3000);
  emit({ type: 'result', result }, () => process.exit(0));
}

if (values['exit-with-stdin']) {
  // The runner keeps our stdin open; if it dies, the pipe closes and we stop loading its systems.
  process.stdin.on('end', () => process.exit(1));
  process.stdin.resume();
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  emit({ type: 'fatal', message }, () => process.exit(1));
});
