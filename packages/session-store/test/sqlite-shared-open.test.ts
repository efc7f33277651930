// Several processes opening one new SQLite file at the same moment (replicas sharing a session file,
// as in the rolling-stop test) all open it and each writes its own session. A busy open is retried
// within the busy timeout (sqlite-session-store.ts) since a CI run saw "database is locked" at a
// replica's start; this test did not reproduce that race without the retry, so it guards concurrent
// opens in general rather than proving the retry.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type * as SessionStores from '../src/index.js';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const PROCESSES = 8;

/** In a child process: wait for the shared start time, open the store, write one session, close. */
const opener = `
const { createSessionStore } = await import(process.argv[1]);
const [path, id, startAt] = process.argv.slice(2);
while (Date.now() < Number(startAt)) {}
const store = await createSessionStore({ kind: 'sqlite', path });
await store.put(id, { by: id }, 60);
await store.close();
`;

describe('sqlite session store shared by several processes', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it(`${PROCESSES} processes open one new file at the same moment, and every one of them opens it`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swb-sqlite-shared-'));
    dirs.push(dir);
    const path = join(dir, 'shared.db');
    // Far enough ahead for every process to have started and be spinning when the moment comes.
    const startAt = Date.now() + 1500;
    const ids = Array.from({ length: PROCESSES }, (_, i) => `replica-${i}`);
    const results = await Promise.allSettled(
      ids.map((id) =>
        run(process.execPath, ['--no-warnings', '--input-type=module', '-e', opener, dist, path, id, String(startAt)], {
          timeout: 20_000,
        }),
      ),
    );
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
    expect(failures).toEqual([]);
    const { createSessionStore } = (await import(dist)) as typeof SessionStores;
    const store = await createSessionStore({ kind: 'sqlite', path });
    try {
      for (const id of ids) expect((await store.get(id))?.data).toEqual({ by: id });
    } finally {
      await store.close();
    }
  });
});
