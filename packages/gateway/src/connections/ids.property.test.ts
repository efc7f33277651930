// Property-based tests (fast-check) of the id makers: whatever the interleaving of request ids and
// trace ids (which take different numbers of bytes from one random pool), every id has its full shape
// and none repeats, across many refills of the pool.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormedId, newId, newTraceId } from './ids.js';

const TRACE_PATTERN = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/;

describe('ids (properties)', () => {
  it('keeps every id whole and unique, however newId and newTraceId interleave', () => {
    const seenIds = new Set<string>();
    const seenTraces = new Set<string>();
    let made = 0;
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 50, maxLength: 600 }), (kinds) => {
        for (const isTrace of kinds) {
          made++;
          if (isTrace) {
            const trace = newTraceId(Date.now());
            expect(trace).toMatch(TRACE_PATTERN);
            expect(seenTraces.has(trace)).toBe(false);
            seenTraces.add(trace);
          } else {
            const id = newId();
            expect(id).toHaveLength(16);
            expect(isWellFormedId(id)).toBe(true);
            expect(seenIds.has(id)).toBe(false);
            seenIds.add(id);
          }
        }
      }),
      { numRuns: 300 },
    );
    // Many times the pool's 4096 bytes were drawn, so refills at every offset were exercised.
    expect(made).toBeGreaterThan(10_000);
  });

  it('keeps ids whole when trace ids leave the pool at an offset that is not a multiple of 11', () => {
    // The former bug: one trace id (12 bytes) shifted the shared offset, and the refill check of
    // newId (offset === end) never matched again, so ids came out 1, 9, 11 or 15 characters long.
    newTraceId(Date.now());
    for (let i = 0; i < 2000; i++) expect(isWellFormedId(newId())).toBe(true);
  });
});
