// Unit tests of the token bucket and the per-stage, per-route message throttle, on a fake clock.
import { describe, expect, it } from 'vitest';
import { throttlingSchema } from '../config/throttling.js';
import { MessageThrottle } from './message-throttle.js';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('lets a burst through, then refills at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 499;
    expect(bucket.take()).toBe(false);
    now = 500;
    expect(bucket.take()).toBe(true);
    now = 10_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('uses the rate rounded up as the burst when the burst is 0', () => {
    const bucket = new TokenBucket(1.5, 0, () => 0);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
  });
});

describe('MessageThrottle', () => {
  it('keeps one bucket per stage and route, a route setting replacing the stage default', () => {
    const config = throttlingSchema.parse({
      messages: { rateLimit: 1, burstLimit: 1 },
      routes: { chat: { rateLimit: 1, burstLimit: 2 }, free: { rateLimit: 0 } },
    });
    const throttle = new MessageThrottle(config, () => 0);
    expect([throttle.take('dev', '$default'), throttle.take('dev', '$default')]).toEqual([true, false]);
    expect(throttle.take('prod', '$default')).toBe(true);
    expect([
      throttle.take('dev', 'chat'),
      throttle.take('dev', 'chat'),
      throttle.take('dev', 'chat'),
    ]).toEqual([true, true, false]);
    expect(Array.from({ length: 10 }, () => throttle.take('dev', 'free')).every(Boolean)).toBe(true);
    expect(MessageThrottle.enabled(config)).toBe(true);
    expect(MessageThrottle.enabled(throttlingSchema.parse({}))).toBe(false);
  });
});
