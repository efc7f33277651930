/**
 * The wire between the push benchmark and its load process (push-load.ts): one JSON object per
 * stdout line, like load-report.ts for the echo generator. The load process announces its measured
 * window (so the runner samples /proc at those instants) and ends with one `result` line.
 */
import { encodeJsonLine, jsonLineDecoder } from './json-lines.js';

/** What the push load process measured. Latencies are the HTTP answer times in milliseconds. */
export interface PushLoadResult {
  readonly endpoint: string;
  /** Connection ids pushed to, round-robin. */
  readonly connectionIds: number;
  /** Requests in flight at any time (closed loop). */
  readonly concurrency: number;
  readonly payloadBytes: number;
  readonly warmupSeconds: number;
  /** Length of the measured window as the load process timed it. */
  readonly windowSeconds: number;
  /** Pushes answered 200 inside the window. */
  readonly pushes: number;
  readonly pushesPerSecond: number;
  readonly latencyMs: {
    readonly mean: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  /** Answers other than 200 inside the window. */
  readonly non200: number;
  /** First answer other than 200 (status and start of the body), to tell what went wrong. */
  readonly non200Sample: string | null;
  /** Requests that failed without an HTTP answer inside the window. */
  readonly errors: number;
  readonly errorSample: string | null;
  /** Pushes answered 200 over the whole run (warm-up, window and the requests still in flight). */
  readonly answered200Total: number;
}

export type PushLoadEvent =
  | { readonly type: 'window-start' }
  | { readonly type: 'window-end' }
  | { readonly type: 'result'; readonly result: PushLoadResult }
  | { readonly type: 'fatal'; readonly message: string };

export const encodePushLoadEvent: (event: PushLoadEvent) => string = encodeJsonLine;

/** Parses one stdout line of the load process; anything that is not one of our events gives `null`. */
export const decodePushLoadEvent = jsonLineDecoder<PushLoadEvent>(['window-start', 'window-end', 'result', 'fatal']);
