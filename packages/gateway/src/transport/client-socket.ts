/**
 * ClientSocket: the narrow interface through which the gateway core talks to one client WebSocket.
 * Routing, dispatch and the management API see only this; `ws-client-socket.ts` maps `ws` onto it.
 */

export interface ClientSocket {
  /** Sends one text frame (or a binary frame when `binary` is true); `done` runs once it is written. */
  send(data: string | Buffer, binary: boolean, done?: (error?: Error | null) => void): void;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Destroys the socket at once. */
  terminate(): void;
  /** Stops reading from the client (backpressure). */
  pause(): void;
  /** Resumes reading. */
  resume(): void;
  /** Bytes queued for the client and not yet written to the kernel. */
  readonly bufferedAmount: number;
  /** True once the closing handshake started or the socket closed. */
  readonly closing: boolean;
}
