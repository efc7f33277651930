/**
 * SlidingWindowCounter with a fake clock: counts within the window, forgets what slid out, and
 * does not under-report before a whole window has passed.
 */
import { describe, expect, it } from 'vitest';
import { SlidingWindowCounter } from './sliding-window.js';

function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('SlidingWindowCounter', () => {
  it('averages over the time elapsed until a whole window has passed', () => {
    const time = clock(1_000_000);
    const counter = new SlidingWindowCounter(10_000, time.now);
    time.advance(2000);
    for (let i = 0; i < 20; i++) counter.add();
    expect(counter.count()).toBe(20);
    expect(counter.perSecond()).toBeCloseTo(10, 5);
  });

  it('reports the rate over the window once it is full, and forgets events that slid out', () => {
    const time = clock(5_000_000);
    const counter = new SlidingWindowCounter(10_000, time.now);
    for (let second = 0; second < 10; second++) {
      time.advance(1000);
      counter.add(5);
    }
    expect(counter.count()).toBe(50);
    // The window is 20 buckets, the current one partial: the rate is exact to within 1/20.
    expect(Math.abs(counter.perSecond() - 5)).toBeLessThanOrEqual(5 / 19 + 1e-9);
    time.advance(5000);
    expect(counter.count()).toBe(25);
    expect(Math.abs(counter.perSecond() - 2.5)).toBeLessThanOrEqual(2.5 / 19 + 1e-9);
    time.advance(10_000);
    expect(counter.count()).toBe(0);
    expect(counter.perSecond()).toBe(0);
  });

  it('reuses a bucket slot for a later period without carrying its old count', () => {
    const time = clock(0);
    const counter = new SlidingWindowCounter(2000, time.now);
    counter.add(100);
    time.advance(2000);
    counter.add(1);
    expect(counter.count()).toBe(1);
  });
});
