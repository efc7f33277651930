// The SQLite adapter against the conformance suite, and what only a file can show: sessions outlive
// the process that wrote them, and two stores on one file see each other's writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessionStore } from '../src/index.js';
import { sessionStoreConformance } from './conformance/session-store.case.js';

const dir = mkdtempSync(join(tmpdir(), 'swb-sqlite-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

sessionStoreConformance('sqlite', () =>
  createSessionStore({ kind: 'sqlite', path: join(dir, 'conformance.db') }),
);

describe('sqlite session store', () => {
  it('keeps sessions across a close and reopen, and shares them between two stores on one file', async () => {
    const path = join(dir, 'shared.db');
    const first = await createSessionStore({ kind: 'sqlite', path });
    const second = await createSessionStore({ kind: 'sqlite', path });
    await first.put('s1', { count: 1 }, 60);
    expect((await second.update('s1', { count: 2 }))?.data).toEqual({ count: 2 });
    await first.close();
    await second.close();
    const reopened = await createSessionStore({ kind: 'sqlite', path });
    expect((await reopened.get('s1'))?.data).toEqual({ count: 2 });
    await reopened.close();
  });

  it('a path that cannot be opened is SWB_ERR_SESSION_STORE_UNAVAILABLE, and a closed store refuses calls', async () => {
    await expect(
      createSessionStore({ kind: 'sqlite', path: join(dir, 'no-such-dir', 'x.db') }),
    ).rejects.toMatchObject({ code: 'SWB_ERR_SESSION_STORE_UNAVAILABLE' });
    const store = await createSessionStore({ kind: 'sqlite', path: ':memory:' });
    await store.close();
    await expect(store.get('x')).rejects.toMatchObject({ code: 'SWB_ERR_SESSION_STORE_UNAVAILABLE' });
    await expect(store.increment('x', 'n', { initial: {}, ttlSeconds: 60 })).rejects.toMatchObject({
      code: 'SWB_ERR_SESSION_STORE_UNAVAILABLE',
    });
  });
});
