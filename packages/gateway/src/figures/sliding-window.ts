/**
 * An event counter over a sliding time window, kept in a fixed ring of buckets so that counting is
 * O(1) and memory does not grow with traffic. Used for the message rate the scaler reports.
 */

/** Buckets per window: the rate's resolution is `windowMs / BUCKETS`. */
const BUCKETS = 20;

export class SlidingWindowCounter {
  readonly #windowMs: number;
  readonly #bucketMs: number;
  readonly #counts = new Float64Array(BUCKETS);
  /** The absolute bucket index (time / bucketMs) each slot currently holds. */
  readonly #epochs = new Float64Array(BUCKETS).fill(-1);
  readonly #startedAt: number;
  readonly #now: () => number;

  /** `now` returns epoch milliseconds; tests pass a fake clock. */
  constructor(windowMs: number, now: () => number = Date.now) {
    this.#windowMs = windowMs;
    this.#bucketMs = windowMs / BUCKETS;
    this.#now = now;
    this.#startedAt = now();
  }

  /** Counts `n` events at `at` (epoch ms; default now). Callers counting into several windows read the clock once. */
  add(n = 1, at = this.#now()): void {
    const index = Math.floor(at / this.#bucketMs);
    const slot = index % BUCKETS;
    if (this.#epochs[slot] !== index) {
      this.#epochs[slot] = index;
      this.#counts[slot] = 0;
    }
    this.#counts[slot] = (this.#counts[slot] ?? 0) + n;
  }

  /** Events counted within the last window (the current partial bucket included). */
  count(): number {
    const current = Math.floor(this.#now() / this.#bucketMs);
    let sum = 0;
    for (let slot = 0; slot < BUCKETS; slot++) {
      const epoch = this.#epochs[slot] ?? -1;
      if (epoch > current - BUCKETS && epoch <= current) sum += this.#counts[slot] ?? 0;
    }
    return sum;
  }

  /**
   * Events per second over the window. Until a whole window has passed since the counter was made,
   * it divides by the time elapsed (at least one bucket), so a fresh gateway does not under-report.
   */
  perSecond(): number {
    const now = this.#now();
    const current = Math.floor(now / this.#bucketMs);
    const covered = (BUCKETS - 1) * this.#bucketMs + (now - current * this.#bucketMs);
    const elapsed = Math.max(this.#bucketMs, Math.min(covered, now - this.#startedAt));
    return (this.count() * 1000) / Math.min(this.#windowMs, elapsed);
  }
}
