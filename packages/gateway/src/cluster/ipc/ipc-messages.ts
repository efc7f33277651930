/**
 * The messages worker processes and the node:cluster primary exchange for the IPC bus (the embedded
 * bus across workers). Payloads travel as base64 in the default JSON serialization of the IPC channel.
 */

/** Worker → primary. */
export type WorkerToHub =
  | {
      readonly swb: 'bus';
      readonly t: 'serve' | 'unserve' | 'sub' | 'unsub';
      readonly name: string;
      readonly ack: number;
    }
  | {
      readonly swb: 'bus';
      readonly t: 'req';
      readonly id: number;
      readonly address: string;
      readonly payload: string;
    }
  | {
      readonly swb: 'bus';
      readonly t: 'rep';
      readonly id: number;
      readonly to: number;
      readonly ok: boolean;
      readonly payload: string;
    }
  | { readonly swb: 'bus'; readonly t: 'pub'; readonly topic: string; readonly payload: string };

/** Primary → worker. */
export type HubToWorker =
  | { readonly swb: 'bus'; readonly t: 'ack'; readonly ack: number }
  | {
      readonly swb: 'bus';
      readonly t: 'req';
      readonly id: number;
      readonly from: number;
      readonly address: string;
      readonly payload: string;
    }
  | {
      readonly swb: 'bus';
      readonly t: 'rep';
      readonly id: number;
      readonly status: 'ok' | 'fail' | 'gone';
      readonly payload: string;
    }
  | { readonly swb: 'bus'; readonly t: 'pub'; readonly topic: string; readonly payload: string };

/** One end of an IPC channel: a worker's `process`, or the primary's `Worker`. */
export interface IpcEndpoint {
  send(message: unknown): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

export function isBusMessage(message: unknown): message is { swb: 'bus'; t: string } {
  return typeof message === 'object' && message !== null && (message as { swb?: unknown }).swb === 'bus';
}
