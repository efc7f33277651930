/**
 * The one WebSocket load generator: `switchboard bench` and the harness's load process
 * (bench/src/load-generator.ts, a thin wrapper) both run `runLoad`, exported as `switchboard/load`.
 * N clients each send a text message and wait for its reply. Closed loop (rate 0, the harness's
 * workload): a client sends its next message as soon as the reply has arrived. Steady rate: one
 * message per client every 1/rate seconds, or later when the reply is slower. After the warm-up, the
 * messages sent during the measured window are counted, and their round trips go into an HDR histogram.
 */
import { createHistogram, performance } from 'node:perf_hooks';
import { WebSocket, type RawData } from 'ws';
import { connectAll } from './bench-connect.js';

export interface LoadOptions {
  /** ws:// or wss:// URL of the stage; a token for `$connect` goes in its query string. */
  readonly url: string;
  /** Clients, opened 100 handshakes at a time. */
  readonly connections: number;
  /** Seconds of load before the measured window. */
  readonly warmupSeconds: number;
  /** Length of the measured window in seconds. */
  readonly durationSeconds: number;
  /** Messages per second per client; 0 = closed loop. */
  readonly rate: number;
  /** Longest wait for a handshake or a reply. */
  readonly timeoutMs: number;
  /** Sent as a text frame; a reply is expected to begin with it. */
  readonly message: Buffer;
  /**
   * Called at the instant the measured window opens (`start`, after the warm-up) and closes (`end`,
   * before the wait for the replies still in flight), so that a caller can sample its own meters
   * (the harness reads /proc) exactly over the window. Not called when no client connected.
   */
  readonly onWindow?: (edge: WindowEdge) => void;
}

export type WindowEdge = 'start' | 'end';

export interface LoadProgress {
  readonly phase: 'connecting' | 'warm-up' | 'measuring' | 'finishing';
  /** Connecting: clients settled; otherwise seconds since the load started. */
  readonly done: number;
  /** Connecting: clients requested; otherwise warm-up + duration in seconds. */
  readonly total: number;
  /** Expected replies per second over about the last second (0 while connecting). */
  readonly repliesPerSecond: number;
  /** Handshakes that failed so far. */
  readonly failed: number;
}

export interface LatencySummary {
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface BenchResult {
  readonly url: string;
  readonly mode: 'closed-loop' | 'steady-rate';
  /** Messages per second per client in steady-rate mode; 0 in closed loop. */
  readonly rate: number;
  readonly payloadBytes: number;
  readonly warmupSeconds: number;
  /** Length of the measured window in seconds. */
  readonly durationSeconds: number;
  readonly connections: {
    readonly requested: number;
    readonly opened: number;
    readonly failed: number;
    /** Closed by the other side (or by an error) before the run ended. */
    readonly closedEarly: number;
    /** Still open when the measured window ended. */
    readonly openAtEnd: number;
    /** `error` events on opened connections over the run; `firstError` has the first message. */
    readonly errors: number;
  };
  /** Messages sent in the window. Each ends as a reply, an unexpected reply, or missing. */
  readonly sent: number;
  /** Replies that begin with the message sent. */
  readonly replies: number;
  /** Replies that do not (an error frame, another route's answer), and frames nobody waited for. */
  readonly unexpectedReplies: number;
  /** The first unexpected reply, cut to 200 characters. */
  readonly unexpectedSample?: string;
  /** Messages without a reply within the timeout, or on a connection that closed. */
  readonly missing: number;
  /** Opened connections that got no expected reply to a message of the window. */
  readonly stalledConnections: number;
  /** Fewest and most expected replies one connection got to messages of the window (fairness). */
  readonly repliesPerConnection: { readonly min: number; readonly max: number };
  readonly repliesPerSecond: number;
  /** Round trip in milliseconds of the expected replies; null when there was none. */
  readonly latencyMs: LatencySummary | null;
  readonly firstError?: string;
}

const HARNESS_PREFIX = 'switchboard-bench:';

/**
 * The default message, the harness's payload: `switchboard-bench:xxx…`, `bytes` long, plain ASCII
 * rather than JSON so that a `$request.body.action` route selection sends it to `$default`.
 */
export function defaultMessage(bytes: number): string {
  return HARNESS_PREFIX.padEnd(bytes, 'x').slice(0, bytes);
}

/** Round trips in nanoseconds, 3 significant figures, up to 60 s. */
const HIGHEST_NS = 60e9;
const PROGRESS_EVERY_MS = 250;
const CLOSE_GRACE_MS = 2000;

interface Client {
  readonly socket: WebSocket;
  /** When the message awaiting its reply was sent; undefined when none is awaited. */
  sentAt: number | undefined;
  /** Whether that message was sent during the measured window. */
  counted: boolean;
  /** Expected replies to messages of the window. */
  replies: number;
  /** Stopped sending: a reply went missing or the connection closed. */
  done: boolean;
  pacing: NodeJS.Timeout | undefined;
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nsToMs(ns: number): number {
  return Math.round(ns / 1e3) / 1e3;
}

/** Runs the load and returns what it measured; `onProgress` is called every 250 ms. */
export async function runLoad(
  options: LoadOptions,
  onProgress: (progress: LoadProgress) => void = () => undefined,
): Promise<BenchResult> {
  const { message } = options;
  const histogram = createHistogram({ lowest: 1, highest: HIGHEST_NS, figures: 3 });
  const interval = options.rate > 0 ? 1000 / options.rate : 0;
  const totalSeconds = options.warmupSeconds + options.durationSeconds;

  const connected = await connectAll(
    options.url,
    options.connections,
    options.timeoutMs,
    (settled, failed) => {
      onProgress({
        phase: 'connecting',
        done: settled,
        total: options.connections,
        repliesPerSecond: 0,
        failed,
      });
    },
  );
  let firstError = connected.firstError;
  const clients: Client[] = connected.sockets.map((socket) => ({
    socket,
    sentAt: undefined,
    counted: false,
    replies: 0,
    done: false,
    pacing: undefined,
  }));

  let phase: LoadProgress['phase'] = options.warmupSeconds > 0 ? 'warm-up' : 'measuring';
  let stopping = false;
  let sent = 0;
  let replies = 0;
  let unexpectedReplies = 0;
  let unexpectedSample: string | undefined;
  let missing = 0;
  let closedEarly = 0;
  let socketErrors = 0;
  let openAtEnd = 0;
  /** Expected replies since the start, warm-up included: the live rate of the progress bar. */
  let liveReplies = 0;
  let awaiting = 0;
  let drained: (() => void) | undefined;

  const isEcho = (reply: Buffer) =>
    reply.length >= message.length && reply.compare(message, 0, message.length, 0, message.length) === 0;

  const unexpected = (reply: Buffer) => {
    unexpectedReplies++;
    unexpectedSample ??= reply.toString('utf8').slice(0, 200);
  };

  /** The awaited message of `client` is settled (reply, missing, closed). */
  const settle = (client: Client) => {
    client.sentAt = undefined;
    awaiting--;
    if (stopping && awaiting === 0) drained?.();
  };

  const send = (client: Client) => {
    client.pacing = undefined;
    if (stopping || client.done || client.socket.readyState !== WebSocket.OPEN) return;
    client.sentAt = performance.now();
    client.counted = phase === 'measuring';
    if (client.counted) sent++;
    awaiting++;
    client.socket.send(message, { binary: false });
  };

  const sendNextAfter = (client: Client, previousSentAt: number) => {
    if (stopping || client.done) return;
    if (interval === 0) {
      send(client);
      return;
    }
    const wait = previousSentAt + interval - performance.now();
    if (wait <= 0) send(client);
    else
      client.pacing = setTimeout(() => {
        send(client);
      }, wait);
  };

  const onMessage = (client: Client, data: RawData) => {
    const now = performance.now();
    // A client that stopped at a missing reply ignores that reply if it comes late.
    if (client.done) return;
    const reply = asBuffer(data);
    const { sentAt, counted } = client;
    if (sentAt === undefined) {
      // Nothing awaited: a frame the route pushed on its own.
      if (phase === 'measuring') unexpected(reply);
      return;
    }
    settle(client);
    if (isEcho(reply)) {
      liveReplies++;
      if (counted) {
        replies++;
        client.replies++;
        histogram.record(Math.min(Math.max(Math.round((now - sentAt) * 1e6), 1), HIGHEST_NS));
      }
    } else if (counted) unexpected(reply);
    sendNextAfter(client, sentAt);
  };

  const onClose = (client: Client, code: number) => {
    clearTimeout(client.pacing);
    if (stopping || client.done) return;
    client.done = true;
    closedEarly++;
    firstError ??= `a connection was closed by the server (code ${String(code)})`;
    if (client.sentAt !== undefined) {
      if (client.counted) missing++;
      settle(client);
    }
  };

  for (const client of clients) {
    client.socket.on('message', (data) => {
      onMessage(client, data);
    });
    client.socket.on('close', (code) => {
      onClose(client, code);
    });
    client.socket.on('error', (error) => {
      socketErrors++;
      firstError ??= error.message;
    });
  }

  /** A client whose reply is older than the timeout stops: that message is missing. */
  const sweepTimeouts = (now: number) => {
    for (const client of clients) {
      if (client.sentAt === undefined || now - client.sentAt <= options.timeoutMs) continue;
      client.done = true;
      if (client.counted) missing++;
      firstError ??= `no reply within ${String(options.timeoutMs)} ms`;
      settle(client);
    }
  };

  const started = performance.now();
  const samples: { at: number; replies: number }[] = [{ at: started, replies: 0 }];
  const ticker = setInterval(() => {
    const now = performance.now();
    sweepTimeouts(now);
    samples.push({ at: now, replies: liveReplies });
    while (samples.length > 2 && now - (samples[1]?.at ?? now) >= 1000) samples.shift();
    const oldest = samples[0] ?? { at: started, replies: 0 };
    onProgress({
      phase,
      done: Math.min(totalSeconds, (now - started) / 1000),
      total: totalSeconds,
      repliesPerSecond: now > oldest.at ? ((liveReplies - oldest.replies) * 1000) / (now - oldest.at) : 0,
      failed: connected.failed,
    });
  }, PROGRESS_EVERY_MS);

  // Closed loop: every client sends at once, like the harness. Steady rate: first sends spread over
  // one interval (at most half the run, so that every client sends in a short run).
  const spreadMs = Math.min(interval, (totalSeconds * 1000) / 2);
  for (const client of clients) {
    if (interval === 0) send(client);
    else
      client.pacing = setTimeout(() => {
        send(client);
      }, Math.random() * spreadMs);
  }

  let windowStart = started;
  let windowEnd = started;
  if (clients.length > 0) {
    await sleep(options.warmupSeconds * 1000);
    phase = 'measuring';
    windowStart = performance.now();
    options.onWindow?.('start');
    await sleep(options.durationSeconds * 1000);
    windowEnd = performance.now();
    phase = 'finishing';
    stopping = true;
    options.onWindow?.('end');
    for (const client of clients) {
      clearTimeout(client.pacing);
      if (client.socket.readyState === WebSocket.OPEN) openAtEnd++;
    }
    // The replies to the window's last messages: until all are in, or the timeout.
    if (awaiting > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        drained = resolve;
        timer = setTimeout(resolve, options.timeoutMs);
      });
      clearTimeout(timer);
      sweepTimeouts(Number.POSITIVE_INFINITY);
    }
  }
  clearInterval(ticker);
  stopping = true;
  await closeAll(clients.map((client) => client.socket));

  const windowSeconds = (windowEnd - windowStart) / 1000;
  const empty = histogram.count === 0;
  let fewest = clients.length === 0 ? 0 : Number.POSITIVE_INFINITY;
  let most = 0;
  for (const client of clients) {
    fewest = Math.min(fewest, client.replies);
    most = Math.max(most, client.replies);
  }
  return {
    url: options.url,
    mode: interval === 0 ? 'closed-loop' : 'steady-rate',
    rate: options.rate,
    payloadBytes: message.length,
    warmupSeconds: options.warmupSeconds,
    durationSeconds: Math.round(windowSeconds * 1000) / 1000,
    connections: {
      requested: options.connections,
      opened: clients.length,
      failed: connected.failed,
      closedEarly,
      openAtEnd,
      errors: socketErrors,
    },
    sent,
    replies,
    unexpectedReplies,
    ...(unexpectedSample === undefined ? {} : { unexpectedSample }),
    missing,
    stalledConnections: clients.filter((client) => client.replies === 0).length,
    repliesPerConnection: { min: fewest, max: most },
    repliesPerSecond: windowSeconds > 0 ? Math.round((replies / windowSeconds) * 10) / 10 : 0,
    latencyMs: empty
      ? null
      : {
          min: nsToMs(histogram.min),
          mean: nsToMs(histogram.mean),
          p50: nsToMs(histogram.percentile(50)),
          p90: nsToMs(histogram.percentile(90)),
          p99: nsToMs(histogram.percentile(99)),
          max: nsToMs(histogram.max),
        },
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/** Closes every socket politely; whatever has not closed after a grace period is terminated. */
async function closeAll(sockets: readonly WebSocket[]): Promise<void> {
  const open = sockets.filter((socket) => socket.readyState !== WebSocket.CLOSED);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(
      open.map(
        (socket) =>
          new Promise<void>((resolve) => {
            socket.once('close', () => {
              resolve();
            });
            socket.close(1000, 'bench done');
          }),
      ),
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  for (const socket of open) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
}
