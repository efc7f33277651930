/**
 * The node-wide budget of queued client messages (`dispatch.maxQueuedBytesTotal`): the payload bytes
 * waiting in every connection's dispatch queue, open or closed, and the connections whose reading is
 * paused until that total falls back to half the budget. The dispatcher does the queueing; this keeps
 * the count, so that no queue, whoever owns it, is forgotten.
 * @see docs/protocol.md "Backpressure"
 */
import type { Connection } from '../connections/connection.js';

/** What the metrics and tests read of the budget. */
export interface QueueFigures {
  /** Payload bytes of client messages waiting in dispatch queues on this node. */
  readonly queuedBytes: number;
  /** Queued messages of closed connections dropped to make room for open ones, since start. */
  readonly droppedMessages: number;
}

export class QueueBudget implements QueueFigures {
  readonly maxTotalBytes: number;
  #queuedBytes = 0;
  #droppedMessages = 0;
  /** Open connections paused because the budget was full; resumed once it is half empty. */
  #waiting = new Set<Connection>();

  constructor(maxTotalBytes: number) {
    this.maxTotalBytes = maxTotalBytes;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get droppedMessages(): number {
    return this.#droppedMessages;
  }

  /** True when no more bytes may be queued without pausing the connection that adds them. */
  get full(): boolean {
    return this.#queuedBytes >= this.maxTotalBytes;
  }

  add(bytes: number): void {
    this.#queuedBytes += bytes;
  }

  /**
   * Gives back the bytes of messages that left a queue (sent to the backend, or dropped). Returns the
   * connections to resume when this brought the total down to half the budget, else none.
   */
  release(bytes: number): Connection[] {
    this.#queuedBytes -= bytes;
    if (this.#waiting.size === 0 || this.#queuedBytes > this.maxTotalBytes / 2) return NONE;
    const ready = [...this.#waiting];
    this.#waiting = new Set();
    return ready;
  }

  /** Counts messages dropped from a closed connection's queue. */
  dropped(messages: number): void {
    this.#droppedMessages += messages;
  }

  /** Records a connection paused for the budget. */
  wait(connection: Connection): void {
    this.#waiting.add(connection);
  }

  isWaiting(connection: Connection): boolean {
    return this.#waiting.has(connection);
  }

  /** Forgets a connection that closed: nothing is resumed on a closed socket. */
  forget(connection: Connection): void {
    this.#waiting.delete(connection);
  }
}

const NONE: Connection[] = [];
