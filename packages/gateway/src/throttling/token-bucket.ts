/**
 * A token bucket: `burst` tokens at most, refilled at `rate` per second, one taken per event. Time
 * comes from a clock the caller may replace (tests); the refill is computed lazily, no timers.
 */

export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  /** `rate` per second, `burst` at most (0 means the rate rounded up, at least 1). */
  constructor(rate: number, burst: number, now: () => number = () => performance.now()) {
    this.#rate = rate;
    this.#burst = burst > 0 ? burst : Math.max(1, Math.ceil(rate));
    this.#now = now;
    this.#tokens = this.#burst;
    this.#updatedAt = now();
  }

  /** Takes one token; false when the bucket is empty (the event is throttled). */
  take(): boolean {
    if (this.available() < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Tokens in the bucket now (a fraction while one refills). */
  available(): number {
    const now = this.#now();
    const elapsedMs = now - this.#updatedAt;
    if (elapsedMs > 0) {
      this.#tokens = Math.min(this.#burst, this.#tokens + (elapsedMs * this.#rate) / 1000);
      this.#updatedAt = now;
    }
    return this.#tokens;
  }

  /** True when the bucket is full: it is then the same as a new bucket. */
  full(): boolean {
    return this.available() >= this.#burst;
  }
}
