/**
 * Message throttling as API Gateway's stage settings do it: one bucket per stage and route key,
 * from the route's own settings (`throttling.routes`) or else the stage default
 * (`throttling.messages`). A rate of 0 means unthrottled. Buckets are made on first use.
 */
import type { ThrottlingConfig } from '../config/throttling.js';
import { TokenBucket } from './token-bucket.js';

export class MessageThrottle {
  readonly #config: ThrottlingConfig;
  readonly #now: (() => number) | undefined;
  /** `stage\0routeKey` → bucket, or null for an unthrottled route. */
  readonly #buckets = new Map<string, TokenBucket | null>();

  constructor(config: ThrottlingConfig, now?: () => number) {
    this.#config = config;
    this.#now = now;
  }

  /** True when any message bucket is configured at all. */
  static enabled(config: ThrottlingConfig): boolean {
    return config.messages.rateLimit > 0 || Object.values(config.routes).some((route) => route.rateLimit > 0);
  }

  /** Takes a token for one message of `routeKey` on `stage`; false when it is throttled. */
  take(stage: string, routeKey: string): boolean {
    const key = `${stage}\0${routeKey}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      const settings = Object.hasOwn(this.#config.routes, routeKey)
        ? this.#config.routes[routeKey]
        : this.#config.messages;
      bucket =
        settings === undefined || settings.rateLimit === 0
          ? null
          : new TokenBucket(settings.rateLimit, settings.burstLimit, this.#now);
      this.#buckets.set(key, bucket);
    }
    return bucket === null || bucket.take();
  }
}
