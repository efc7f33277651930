/**
 * Maps a `ws` WebSocket onto the ClientSocket interface; the only module of the core that knows `ws`.
 */
import { WebSocket } from 'ws';
import type { ClientSocket } from './client-socket.js';

const TEXT = { binary: false, compress: false, fin: true } as const;
const BINARY = { binary: true, compress: false, fin: true } as const;

export class WsClientSocket implements ClientSocket {
  readonly #ws: WebSocket;

  constructor(ws: WebSocket) {
    this.#ws = ws;
  }

  send(data: string | Buffer, binary: boolean, done?: (error?: Error | null) => void): void {
    this.#ws.send(data, binary ? BINARY : TEXT, done);
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
