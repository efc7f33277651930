/**
 * Slow consumers: what the gateway may queue for a client that reads slower than it is sent to.
 * A push is refused while the client's send buffer is at or above `backpressure.highWaterBytes`
 * (429 LimitExceededException); after any frame, a buffer above `backpressure.maxBufferedBytes`
 * closes the connection with 1013. So a stalled client holds at most the hard limit plus one frame.
 * @see docs/security.md "Slow consumers"
 */
import type { BackpressureConfig } from '../config/backpressure.js';
import type { Connection } from '../connections/connection.js';

export class SendBudget {
  readonly #highWater: number;
  readonly #max: number;
  readonly #onOverflow: (connection: Connection) => void;

  /** `onOverflow` closes the connection (with 1013); it runs once per frame that found the buffer over the hard limit. */
  constructor(settings: BackpressureConfig, onOverflow: (connection: Connection) => void) {
    this.#highWater = settings.highWaterBytes;
    this.#max = settings.maxBufferedBytes;
    this.#onOverflow = onOverflow;
  }

  /** True when a push may be sent now: the client's send buffer is below the high-water mark. */
  canPush(connection: Connection): boolean {
    return connection.socket.bufferedAmount < this.#highWater;
  }

  /** Call right after a frame was handed to the socket: closes the connection when its buffer is over the hard limit. */
  afterSend(connection: Connection): void {
    if (connection.socket.bufferedAmount > this.#max) this.#onOverflow(connection);
  }
}
