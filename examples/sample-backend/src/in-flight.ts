/**
 * Requests in flight, per socket. A closing server marks the last response on a keep-alive socket
 * `Connection: close`, but not one with a pipelined request queued behind it.
 */
import type { Socket } from 'node:net';

export class InFlightRequests {
  readonly #perSocket = new WeakMap<Socket, number>();
  #total = 0;

  /** Requests started and not yet answered, on every socket. */
  get total(): number {
    return this.#total;
  }

  started(socket: Socket): void {
    this.#perSocket.set(socket, this.on(socket) + 1);
    this.#total += 1;
  }

  finished(socket: Socket): void {
    this.#perSocket.set(socket, Math.max(0, this.on(socket) - 1));
    this.#total = Math.max(0, this.#total - 1);
  }

  /** Requests in flight on one socket. */
  on(socket: Socket): number {
    return this.#perSocket.get(socket) ?? 0;
  }
}
