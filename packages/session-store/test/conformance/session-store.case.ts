/**
 * The SessionStore conformance suite: every adapter's test calls sessionStoreConformance() with a
 * factory, and must pass all of it. Not run on its own (the name does not end in .test.ts).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../src/index.js';

/** Opens a fresh store; ids are unique per run, so a shared backing service is fine. */
export type OpenStore = () => Promise<SessionStore>;

/** Short TTL for expiry checks, and a margin past it (Redis and SQLite expire to the millisecond). */
const SHORT_TTL_S = 0.3;
const PAST_SHORT_TTL_MS = 450;

export function sessionStoreConformance(name: string, open: OpenStore): void {
  describe(`${name}: SessionStore conformance`, () => {
    let store: SessionStore;
    const run = randomUUID().slice(0, 8);
    const id = (suffix: string): string => `${run}-${suffix}`;

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
    });

    it('put then get returns the data and an expiry TTL seconds ahead', async () => {
      const before = Date.now();
      const put = await store.put(id('a'), { count: 1, nested: { list: [1, 'two', null], empty: [] } }, 60);
      const got = await store.get(id('a'));
      expect(got).toEqual(put);
      expect(got?.data).toEqual({ count: 1, nested: { list: [1, 'two', null], empty: [] } });
      expect(got?.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
      expect(got?.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
    });

    it('get of an unknown id is undefined', async () => {
      expect(await store.get(id('missing'))).toBeUndefined();
    });

    it('put replaces data and TTL', async () => {
      await store.put(id('replace'), { v: 1 }, 60);
      await store.put(id('replace'), { w: 2 }, 120);
      const got = await store.get(id('replace'));
      expect(got?.data).toEqual({ w: 2 });
      expect(got?.expiresAt).toBeGreaterThan(Date.now() + 100_000);
    });

    it('create stores only when absent, and reports the existing session otherwise', async () => {
      const first = await store.create(id('c'), { n: 1 }, 60);
      expect(first.created).toBe(true);
      expect(first.session.data).toEqual({ n: 1 });
      const second = await store.create(id('c'), { n: 2 }, 60);
      expect(second).toEqual({ created: false, session: first.session });
      expect((await store.get(id('c')))?.data).toEqual({ n: 1 });
    });

    it('of concurrent creates, exactly one wins', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.create(id('race'), { i }, 60)),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.find((r) => r.created)?.session.data;
      for (const r of results) expect(r.session.data).toEqual(winner);
    });

    it('update merges top-level keys, keeps the TTL unless given, and misses an absent session', async () => {
      const created = await store.put(id('u'), { a: 1, b: 1 }, 60);
      const updated = await store.update(id('u'), { b: 2, c: 3 });
      expect(updated?.data).toEqual({ a: 1, b: 2, c: 3 });
      expect(updated?.expiresAt).toBe(created.expiresAt);
      expect(await store.get(id('u'))).toEqual(updated);
      const extended = await store.update(id('u'), {}, 600);
      expect(extended?.expiresAt).toBeGreaterThan(Date.now() + 500_000);
      expect(await store.update(id('u-missing'), { a: 1 })).toBeUndefined();
      expect(await store.get(id('u-missing'))).toBeUndefined();
    });

    it('stores data as it survives JSON, and every call hands out a copy of its own', async () => {
      const when = new Date(1_700_000_000_000);
      const input = {
        text: 'a "quoted" \\ line\n',
        count: 3,
        zero: -0,
        notANumber: Number.NaN,
        infinite: Number.POSITIVE_INFINITY,
        yes: true,
        none: null,
        gone: undefined,
        fn: () => 1,
        when,
        nested: { list: [1, 'two', { three: 3 }] },
      };
      const expected = JSON.parse(JSON.stringify(input)) as unknown;
      // Flat data (only strings, numbers, booleans, null) too, which some adapters copy without JSON.
      const flatInput = { text: 'x', count: -0, nan: Number.NaN, yes: false, none: null, gone: undefined };
      const flatExpected = JSON.parse(JSON.stringify(flatInput)) as unknown;
      for (const [key, data, want] of [
        ['copy-nested', input, expected],
        ['copy-flat', flatInput, flatExpected],
      ] as const) {
        const put = await store.put(id(key), data, 60);
        expect(put.data).toEqual(want);
        expect(Object.is((put.data as { count?: number }).count, -0)).toBe(false);
        // Changing what was passed in, or what came back, changes nothing stored.
        (put.data as Record<string, unknown>)['text'] = 'changed';
        const got = await store.get(id(key));
        expect(got?.data).toEqual(want);
        (got?.data as Record<string, unknown>)['extra'] = 'changed';
        const created = await store.create(id(key), { other: 1 }, 60);
        expect(created).toMatchObject({ created: false, session: { data: want } });
        (created.session.data as Record<string, unknown>)['text'] = 'changed';
        const patch = { added: 'yes', when };
        const updated = await store.update(id(key), patch);
        const merged = { ...(want as object), added: 'yes', when: when.toJSON() };
        expect(updated?.data).toEqual(merged);
        patch.added = 'changed';
        (updated?.data as Record<string, unknown>)['added'] = 'changed';
        expect((await store.get(id(key)))?.data).toEqual(merged);
        // A flat patch over flat data, and a key named __proto__ kept as a plain key.
        const proto = JSON.parse('{"__proto__":"kept","k":1}') as Record<string, unknown>;
        const again = await store.update(id(key), proto);
        expect(Object.getPrototypeOf(again?.data)).toBe(Object.prototype);
        expect(Object.keys(again?.data ?? {})).toContain('__proto__');
        expect(again?.data['__proto__' as keyof typeof again.data]).toBe('kept');
      }
    });

    it('concurrent updates of one session lose no change', async () => {
      await store.put(id('cas'), {}, 60);
      await Promise.all(Array.from({ length: 10 }, (_, i) => store.update(id('cas'), { [`k${i}`]: i })));
      const got = await store.get(id('cas'));
      expect(Object.keys(got?.data ?? {}).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `k${i}`).sort(),
      );
    });

    it('increment creates from initial when absent, then counts on, merges the patch and restarts the TTL', async () => {
      const first = await store.increment(id('inc'), 'n', { initial: { n: 0, who: 'ana' }, ttlSeconds: 1 });
      expect(first.data).toEqual({ n: 1, who: 'ana' });
      expect(first.expiresAt).toBeGreaterThan(Date.now() + 500);
      const second = await store.increment<{ n: number; who: string; seen?: number }>(id('inc'), 'n', {
        by: 2.5,
        initial: { n: 100, who: 'not used' },
        patch: { seen: 7 },
        ttlSeconds: 300,
      });
      expect(second.data).toEqual({ n: 3.5, who: 'ana', seen: 7 });
      expect(second.expiresAt).toBeGreaterThan(Date.now() + 200_000);
      expect(await store.get(id('inc'))).toEqual(second);
      // A field the session (or the initial data) lacks counts from 0.
      await store.put(id('inc-from-0'), { other: true }, 60);
      expect((await store.increment(id('inc-from-0'), 'n', { by: -1, initial: {}, ttlSeconds: 60 })).data).toEqual({
        other: true,
        n: -1,
      });
      expect((await store.increment(id('inc-new'), 'n', { initial: {}, ttlSeconds: 60 })).data).toEqual({ n: 1 });
    });

    it('of concurrent increments, none is lost, the first included', async () => {
      const counts = await Promise.all(
        Array.from({ length: 12 }, () => store.increment(id('inc-race'), 'n', { initial: { n: 0 }, ttlSeconds: 60 })),
      );
      expect(counts.map((s) => s.data.n).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
      expect((await store.get(id('inc-race')))?.data).toEqual({ n: 12 });
    });

    it('increment rejects with SWB_ERR_SESSION_STORE_INVALID and writes nothing when it cannot count', async () => {
      const invalid = { code: 'SWB_ERR_SESSION_STORE_INVALID' };
      await store.put(id('inc-bad'), { n: 'three', m: null }, 60);
      const options = { initial: { n: 0 }, ttlSeconds: 60 };
      await expect(store.increment(id('inc-bad'), 'n', options)).rejects.toMatchObject(invalid);
      await expect(store.increment(id('inc-bad'), 'm', options)).rejects.toMatchObject(invalid);
      expect((await store.get(id('inc-bad')))?.data).toEqual({ n: 'three', m: null });
      const absent = id('inc-bad-absent');
      await expect(store.increment(absent, 'n', { initial: { n: '0' }, ttlSeconds: 60 })).rejects.toMatchObject(invalid);
      await expect(store.increment(absent, 'n', { ...options, patch: { n: 5 } })).rejects.toMatchObject(invalid);
      await expect(store.increment(absent, 'n', { ...options, by: Number.NaN })).rejects.toMatchObject(invalid);
      await expect(store.increment(absent, 'n', { ...options, ttlSeconds: 0 })).rejects.toMatchObject(invalid);
      await expect(store.increment(absent, '', options)).rejects.toMatchObject(invalid);
      await expect(store.increment(absent, 'n', null as unknown as typeof options)).rejects.toMatchObject(invalid);
      await expect(store.increment(absent, 'n', { ...options, initial: [] as unknown as { n: number } })).rejects.toMatchObject(
        invalid,
      );
      await expect(store.increment(absent, 'n', { ...options, by: Number.MAX_VALUE })).resolves.toBeDefined();
      await expect(store.increment(absent, 'n', { ...options, by: Number.MAX_VALUE })).rejects.toMatchObject(invalid);
      expect((await store.get(absent))?.data).toEqual({ n: Number.MAX_VALUE });
    });

    it('touch restarts the TTL of a live session only', async () => {
      await store.put(id('t'), { x: 1 }, 1);
      expect(await store.touch(id('t'), 300)).toBe(true);
      const got = await store.get(id('t'));
      expect(got?.expiresAt).toBeGreaterThan(Date.now() + 200_000);
      expect(got?.data).toEqual({ x: 1 });
      expect(await store.touch(id('t-missing'), 300)).toBe(false);
    });

    it('delete removes a live session and says whether there was one', async () => {
      await store.put(id('d'), { x: 1 }, 60);
      expect(await store.delete(id('d'))).toBe(true);
      expect(await store.get(id('d'))).toBeUndefined();
      expect(await store.delete(id('d'))).toBe(false);
    });

    it('an expired session is invisible to every call, and can be created again', async () => {
      await store.put(id('exp'), { old: true }, SHORT_TTL_S);
      await store.put(id('exp-touch'), { old: true }, SHORT_TTL_S);
      await store.put(id('exp-inc'), { n: 10, old: true }, SHORT_TTL_S);
      expect((await store.get(id('exp')))?.data).toEqual({ old: true });
      // Expiry is the passage of time itself: there is no event to await.
      await sleep(PAST_SHORT_TTL_MS);
      expect(await store.get(id('exp'))).toBeUndefined();
      expect(await store.update(id('exp'), { a: 1 })).toBeUndefined();
      expect(await store.touch(id('exp-touch'), 60)).toBe(false);
      expect((await store.increment(id('exp-inc'), 'n', { initial: { n: 0 }, ttlSeconds: 60 })).data).toEqual({ n: 1 });
      const page = await listAll(store, 1000);
      expect(page.map((s) => s.id)).not.toContain(id('exp'));
      const again = await store.create(id('exp'), { old: false }, 60);
      expect(again.created).toBe(true);
      expect((await store.get(id('exp')))?.data).toEqual({ old: false });
    });

    it('list pages through every live session exactly once', async () => {
      const ids = Array.from({ length: 7 }, (_, i) => id(`list-${i}`));
      for (const each of ids) await store.put(each, { each }, 60);
      const seen = await listAll(store, 3);
      const mine = seen.filter((s) => s.id.startsWith(id('list-')));
      expect(new Set(mine.map((s) => s.id))).toEqual(new Set(ids));
      expect(mine.length).toBe(ids.length);
      for (const s of mine) expect(s.data).toEqual({ each: s.id });
    });

    it('rejects bad arguments with SWB_ERR_SESSION_STORE_INVALID and writes nothing', async () => {
      const invalid = { code: 'SWB_ERR_SESSION_STORE_INVALID' };
      await expect(store.put('', { a: 1 }, 60)).rejects.toMatchObject(invalid);
      await expect(store.put(id('bad'), { a: 1 }, 0)).rejects.toMatchObject(invalid);
      await expect(store.put(id('bad'), { a: 1 }, Number.NaN)).rejects.toMatchObject(invalid);
      await expect(store.create(id('bad'), [] as unknown as Record<string, never>, 60)).rejects.toMatchObject(
        invalid,
      );
      await expect(store.put(id('bad'), { n: 1n }, 60)).rejects.toMatchObject(invalid);
      await expect(store.list({ limit: 0 })).rejects.toMatchObject(invalid);
      expect(await store.get(id('bad'))).toBeUndefined();
    });
  });
}

async function listAll(store: SessionStore, limit: number): Promise<{ id: string; data: unknown }[]> {
  const all: { id: string; data: unknown }[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.list({ limit, ...(cursor === undefined ? {} : { cursor }) });
    expect(page.sessions.length).toBeLessThanOrEqual(limit * 2);
    all.push(...page.sessions);
    cursor = page.cursor;
    pages += 1;
    expect(pages, 'list must end').toBeLessThan(10_000);
  } while (cursor !== undefined);
  return all;
}
