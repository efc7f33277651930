/**
 * How many `later` pushes wait (scheduled or being sent), per connection and in total, so that a
 * client cannot make the backend hold timers and data without bound: past a limit the request is
 * refused with 429 and nothing is scheduled.
 */

export interface PendingLimits {
  /** Pushes one connection may have waiting. @default 100 */
  readonly maxPerConnection?: number;
  /** Pushes all connections together may have waiting. @default 10000 */
  readonly maxTotal?: number;
}

export const DEFAULT_MAX_PENDING_PER_CONNECTION = 100;
export const DEFAULT_MAX_PENDING_TOTAL = 10_000;

/** Why a push could not be taken on. */
export type PendingRefusal = { readonly limit: 'connection' | 'total'; readonly max: number };

export class PendingPushes {
  readonly #maxPerConnection: number;
  readonly #maxTotal: number;
  readonly #byConnection = new Map<string, number>();
  #total = 0;

  constructor(limits: PendingLimits = {}) {
    this.#maxPerConnection = limits.maxPerConnection ?? DEFAULT_MAX_PENDING_PER_CONNECTION;
    this.#maxTotal = limits.maxTotal ?? DEFAULT_MAX_PENDING_TOTAL;
  }

  get total(): number {
    return this.#total;
  }

  /** Pushes waiting for `connectionId`. */
  of(connectionId: string): number {
    return this.#byConnection.get(connectionId) ?? 0;
  }

  /** Counts one more push for `connectionId`, or says which limit refuses it (nothing counted). */
  acquire(connectionId: string): PendingRefusal | undefined {
    if (this.#total >= this.#maxTotal) return { limit: 'total', max: this.#maxTotal };
    const count = this.of(connectionId);
    if (count >= this.#maxPerConnection) return { limit: 'connection', max: this.#maxPerConnection };
    this.#byConnection.set(connectionId, count + 1);
    this.#total++;
    return undefined;
  }

  /** A push of `connectionId` was sent or failed. */
  release(connectionId: string): void {
    const count = this.of(connectionId);
    if (count <= 0) return;
    if (count === 1) this.#byConnection.delete(connectionId);
    else this.#byConnection.set(connectionId, count - 1);
    this.#total--;
  }
}
