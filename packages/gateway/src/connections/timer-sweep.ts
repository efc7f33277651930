/**
 * One periodic sweep closes idle and over-age connections, instead of a timer per connection:
 * a connection costs no timer at all, and the sweep interval follows the shortest limit
 * (a quarter of it, between 10 ms and 1 s), so a limit is enforced within 25 % of its value or 1 s.
 */
import type { ConnectionRegistry } from './registry.js';
import type { Connection } from './connection.js';

export interface SweepLimits {
  readonly idleMs: number;
  readonly maxConnectionMs: number;
}

export type ExpiryReason = 'idle' | 'max-duration';

export function sweepIntervalMs(limits: SweepLimits): number {
  return Math.min(1000, Math.max(10, Math.floor(Math.min(limits.idleMs, limits.maxConnectionMs) / 4)));
}

export class TimerSweep {
  readonly #timer: NodeJS.Timeout;

  constructor(registry: ConnectionRegistry, limits: SweepLimits, expire: (connection: Connection, reason: ExpiryReason) => void) {
    this.#timer = setInterval(() => {
      const now = Date.now();
      for (const connection of registry.values()) {
        if (connection.socket.closing) continue;
        if (now - connection.connectedAt >= limits.maxConnectionMs) expire(connection, 'max-duration');
        else if (now - connection.lastActiveAt >= limits.idleMs) expire(connection, 'idle');
      }
    }, sweepIntervalMs(limits));
    this.#timer.unref();
  }

  /** Stops the sweep. */
  close(): void {
    clearInterval(this.#timer);
  }
}
