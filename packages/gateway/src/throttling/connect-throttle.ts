/**
 * The new-connection throttle: one global token bucket (`throttling.connectionsPerSecond`,
 * `connectionBurst`) with a per-IP share (`connectionsPerSecondPerIp`, `connectionBurstPerIp`), so
 * that one address opening connections fast cannot take the whole budget and lock the others out.
 * - An upgrade whose address is within its share (its own bucket has a token) takes one token of
 *   each bucket.
 * - An upgrade over its share may take a global token only while more than the per-IP burst (the
 *   reserve) are left: the last ones are kept for addresses within their share.
 * So a flooding address empties its share, then gets only the refill above the reserve, while other
 * addresses keep getting in; a lone client (or a load balancer, all connections from one address)
 * still gets the whole rate and all of the burst but the reserve. Per-IP buckets are made on first
 * use and dropped once full again (a full bucket is the same as none).
 * @see docs/security.md "New-connection throttle"
 */
import type { ThrottlingConfig } from '../config/throttling.js';
import { TokenBucket } from './token-bucket.js';

/** The per-IP share of each global setting when it is not configured. */
export const DEFAULT_SHARE = 0.1;
/** Full per-IP buckets are dropped every this many upgrades. */
const PRUNE_EVERY = 1024;

export interface ConnectThrottleSettings {
  readonly rate: number;
  readonly burst: number;
  /** 0 (rate or burst) turns the per-IP share off. */
  readonly ratePerIp: number;
  readonly burstPerIp: number;
}

/** The settings of `throttling` with the per-IP defaults filled in; undefined when the throttle is off. */
export function connectThrottleSettings(config: ThrottlingConfig): ConnectThrottleSettings | undefined {
  if (config.connectionsPerSecond === 0) return undefined;
  const burst = config.connectionBurst > 0 ? config.connectionBurst : Math.max(1, Math.ceil(config.connectionsPerSecond));
  return {
    rate: config.connectionsPerSecond,
    burst,
    ratePerIp: config.connectionsPerSecondPerIp ?? config.connectionsPerSecond * DEFAULT_SHARE,
    burstPerIp: config.connectionBurstPerIp ?? Math.floor(burst * DEFAULT_SHARE),
  };
}

export class ConnectThrottle {
  readonly #global: TokenBucket;
  readonly #settings: ConnectThrottleSettings;
  readonly #now: (() => number) | undefined;
  readonly #shares = new Map<string, TokenBucket>();
  readonly #perIp: boolean;
  #untilPrune = PRUNE_EVERY;

  constructor(settings: ConnectThrottleSettings, now?: () => number) {
    this.#settings = settings;
    this.#now = now;
    this.#global = new TokenBucket(settings.rate, settings.burst, now);
    this.#perIp = settings.ratePerIp > 0 && settings.burstPerIp > 0;
  }

  /** Takes a token for one upgrade from `ip`; false when it is throttled (429). */
  take(ip: string): boolean {
    if (this.#global.available() < 1) return false;
    if (!this.#perIp) return this.#global.take();
    if (--this.#untilPrune === 0) this.#prune();
    let share = this.#shares.get(ip);
    if (share === undefined) {
      share = new TokenBucket(this.#settings.ratePerIp, this.#settings.burstPerIp, this.#now);
      this.#shares.set(ip, share);
    }
    const withinShare = share.take();
    if (!withinShare && this.#global.available() < this.#settings.burstPerIp + 1) return false;
    return this.#global.take();
  }

  /** Addresses with a per-IP bucket that is not full (for tests). */
  get trackedAddresses(): number {
    return this.#shares.size;
  }

  #prune(): void {
    this.#untilPrune = PRUNE_EVERY;
    for (const [ip, share] of this.#shares) if (share.full()) this.#shares.delete(ip);
  }
}
