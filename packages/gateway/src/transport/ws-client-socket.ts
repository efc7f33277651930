/**
 * Maps a `ws` WebSocket onto the ClientSocket interface; the only module of the core that knows `ws`.
 * Data frames up to 16 KB are encoded here and written to the socket in one write (frame-encoder.ts):
 * with compression off, `ws` would write the same bytes, as a header and a payload in one `writev`.
 * Larger frames, and anything sent once the WebSocket is no longer open, go through `ws`.
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { ClientSocket } from './client-socket.js';
import { encodeFrame } from './frame-encoder.js';

const TEXT = { binary: false, compress: false, fin: true } as const;
const BINARY = { binary: true, compress: false, fin: true } as const;

/** Largest payload framed here; above it the copy into one buffer costs more than `ws`'s `writev`. */
export const DIRECT_FRAME_MAX_BYTES = 16_384;

export class WsClientSocket implements ClientSocket {
  readonly #ws: WebSocket;
  readonly #socket: Duplex;

  /** `socket` is the upgraded connection `ws` runs on (`perMessageDeflate` off). */
  constructor(ws: WebSocket, socket: Duplex) {
    this.#ws = ws;
    this.#socket = socket;
  }

  send(data: string | Buffer, binary: boolean, done?: (error?: Error | null) => void): void {
    const payload = typeof data === 'string' ? Buffer.from(data) : data;
    if (payload.length <= DIRECT_FRAME_MAX_BYTES && this.#ws.readyState === WebSocket.OPEN) {
      this.#socket.write(encodeFrame(payload, binary), done);
      return;
    }
    this.#ws.send(payload, binary ? BINARY : TEXT, done);
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }

  terminate(): void {
    this.#ws.terminate();
  }

  pause(): void {
    this.#ws.pause();
  }

  resume(): void {
    this.#ws.resume();
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  get closing(): boolean {
    return this.#ws.readyState !== WebSocket.OPEN;
  }
}
