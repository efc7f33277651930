/** Unit tests of the pending `later` pushes: limits per connection and in total, and their release. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PENDING_PER_CONNECTION, DEFAULT_MAX_PENDING_TOTAL, PendingPushes } from './pending-pushes.js';

describe('PendingPushes', () => {
  it('refuses a connection past its limit, and the total past its own, counting nothing for a refusal', () => {
    const pending = new PendingPushes({ maxPerConnection: 2, maxTotal: 3 });
    expect(pending.acquire('a')).toBeUndefined();
    expect(pending.acquire('a')).toBeUndefined();
    expect(pending.acquire('a')).toEqual({ limit: 'connection', max: 2 });
    expect(pending.of('a')).toBe(2);
    expect(pending.acquire('b')).toBeUndefined();
    expect(pending.acquire('c')).toEqual({ limit: 'total', max: 3 });
    expect(pending.total).toBe(3);
    expect(pending.of('c')).toBe(0);
  });

  it('releases what was taken, and never counts below zero', () => {
    const pending = new PendingPushes({ maxPerConnection: 1, maxTotal: 1 });
    expect(pending.acquire('a')).toBeUndefined();
    pending.release('a');
    pending.release('a');
    pending.release('never');
    expect(pending.total).toBe(0);
    expect(pending.acquire('b')).toBeUndefined();
    expect(pending.total).toBe(1);
  });

  it('defaults to 100 per connection and 10,000 in total', () => {
    expect(DEFAULT_MAX_PENDING_PER_CONNECTION).toBe(100);
    expect(DEFAULT_MAX_PENDING_TOTAL).toBe(10_000);
    const pending = new PendingPushes();
    for (let i = 0; i < 100; i++) expect(pending.acquire('a')).toBeUndefined();
    expect(pending.acquire('a')).toEqual({ limit: 'connection', max: 100 });
  });
});
