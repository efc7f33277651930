/**
 * The wire between the runner and a load-generator process (load-generator.ts, around `runLoad` of
 * `switchboard/load`): one JSON object per stdout line. The generator announces the start and end of
 * its measured window (so the runner can sample /proc at those instants) and finishes with one
 * `result` line.
 */
import { encodeJsonLine, jsonLineDecoder } from './json-lines.js';

/** What a load generator measured during its window. Latencies are round trips in milliseconds. */
export interface LoadResult {
  readonly url: string;
  readonly connections: number;
  /** Connections that completed the handshake. */
  readonly connected: number;
  /** Connections still open when the window ended. */
  readonly openAtEnd: number;
  readonly payloadBytes: number;
  readonly warmupSeconds: number;
  /** Length of the measured window as the generator timed it. */
  readonly windowSeconds: number;
  /**
   * Messages sent inside the window whose reply began with the payload sent (the replies to the
   * window's last messages are waited for after it).
   */
  readonly messages: number;
  readonly msgsPerSecond: number;
  readonly latencyMs: {
    readonly min: number;
    readonly mean: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  /** Replies inside the window that did not begin with what was sent (for example an error frame). */
  readonly unexpectedReplies: number;
  /** First unexpected reply, cut to 200 characters, to tell what went wrong. */
  readonly unexpectedSample: string | null;
  /**
   * Messages of the window without a reply within the reply timeout (`--connect-timeout`), or on a
   * connection that closed; a client stops sending at its first missing reply.
   */
  readonly missingReplies: number;
  /** Failed handshakes. */
  readonly connectErrors: number;
  /** `error` events on open connections, over the whole run. */
  readonly socketErrors: number;
  /** Connections closed by the server side before the generator began closing them. */
  readonly unexpectedCloses: number;
  /** Fewest and most round trips a single connection completed in the window (fairness). */
  readonly perConnection: { readonly min: number; readonly max: number };
  /** Connections that completed no round trip at all in the window: stalled. */
  readonly stalledConnections: number;
}

export type LoadEvent =
  | { readonly type: 'connected'; readonly connected: number; readonly connectErrors: number }
  | { readonly type: 'window-start' }
  | { readonly type: 'window-end' }
  | { readonly type: 'result'; readonly result: LoadResult }
  | { readonly type: 'fatal'; readonly message: string };

export const encodeLoadEvent: (event: LoadEvent) => string = encodeJsonLine;

/** Parses one stdout line of the load process; anything that is not one of our events gives `null`. */
export const decodeLoadEvent = jsonLineDecoder<LoadEvent>(['connected', 'window-start', 'window-end', 'result', 'fatal']);
