// Unit tests of the new-connection throttle's per-IP share, on a fake clock: a flooding address
// cannot lock others out, a lone address still gets the whole bucket, the defaults derive from the
// global settings, and per-IP buckets do not pile up.
import { describe, expect, it } from 'vitest';
import { throttlingSchema } from '../config/throttling.js';
import { ConnectThrottle, connectThrottleSettings } from './connect-throttle.js';

function takes(throttle: ConnectThrottle, ip: string, count: number): boolean[] {
  return Array.from({ length: count }, () => throttle.take(ip));
}

describe('ConnectThrottle', () => {
  it('keeps the last per-IP-burst tokens for addresses within their share', () => {
    let now = 0;
    const throttle = new ConnectThrottle({ rate: 1, burst: 10, ratePerIp: 0.1, burstPerIp: 3 }, () => now);
    // The flooding address gets all but the reserve of 3 (the first 3 of those from its share).
    expect(takes(throttle, 'flood', 12).filter(Boolean)).toHaveLength(7);
    // Another address gets the reserve.
    expect(takes(throttle, 'other', 4)).toEqual([true, true, true, false]);
    // A second passes: one token refilled into an empty bucket, below the reserve: not for the
    // flooder, whose share is empty, but for an address within its share.
    now = 1000;
    expect(throttle.take('flood')).toBe(false);
    expect(throttle.take('third')).toBe(true);
  });

  it('gives a lone address all the burst but the reserve, and the whole rate', () => {
    let now = 0;
    const throttle = new ConnectThrottle({ rate: 10, burst: 20, ratePerIp: 1, burstPerIp: 2 }, () => now);
    expect(takes(throttle, 'lb', 21).filter(Boolean)).toHaveLength(18);
    let admitted = 0;
    for (let step = 1; step <= 100; step++) {
      now = step * 100; // 10 s in steps of 100 ms: 100 tokens refill
      if (throttle.take('lb')) admitted++;
    }
    // Over its share the address takes the tokens above the reserve of 2: each one as it refills.
    expect(admitted).toBe(100);
  });

  it('is one global bucket when the share is 0', () => {
    const throttle = new ConnectThrottle({ rate: 1, burst: 5, ratePerIp: 0, burstPerIp: 0 }, () => 0);
    expect(takes(throttle, 'flood', 6).filter(Boolean)).toHaveLength(5);
    expect(throttle.take('other')).toBe(false);
    expect(throttle.trackedAddresses).toBe(0);
  });

  it('drops the bucket of an address once it is full again', () => {
    let now = 0;
    const throttle = new ConnectThrottle({ rate: 10_000, burst: 10_000, ratePerIp: 100, burstPerIp: 1 }, () => now);
    for (let i = 0; i < 1000; i++) expect(throttle.take(`10.0.${Math.floor(i / 256)}.${i % 256}`)).toBe(true);
    expect(throttle.trackedAddresses).toBe(1000);
    now = 1000; // every per-IP bucket refilled
    for (let i = 0; i < 30; i++) throttle.take('10.1.0.1');
    expect(throttle.trackedAddresses).toBe(1);
  });
});

describe('connectThrottleSettings', () => {
  it('derives the per-IP share from the global settings: a tenth, the burst rounded down', () => {
    expect(connectThrottleSettings(throttlingSchema.parse({}))).toEqual({ rate: 500, burst: 500, ratePerIp: 50, burstPerIp: 50 });
    expect(connectThrottleSettings(throttlingSchema.parse({ connectionsPerSecond: 0.001, connectionBurst: 2 }))).toMatchObject({ burstPerIp: 0 });
    expect(
      connectThrottleSettings(throttlingSchema.parse({ connectionsPerSecond: 100, connectionBurst: 0, connectionsPerSecondPerIp: 7, connectionBurstPerIp: 3 })),
    ).toEqual({ rate: 100, burst: 100, ratePerIp: 7, burstPerIp: 3 });
    expect(connectThrottleSettings(throttlingSchema.parse({ connectionsPerSecond: 0 }))).toBeUndefined();
  });

  it('refuses a negative or fractional per-IP setting, naming it', () => {
    const result = throttlingSchema.safeParse({ connectionsPerSecondPerIp: -1, connectionBurstPerIp: 1.5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['connectionBurstPerIp', 'connectionsPerSecondPerIp']);
  });
});
