// Disk faults for the SQLite store: a full disk (a 512 KB tmpfs mounted for the test) and an
// unwritable location. Writes fail with SWB_ERR_SESSION_STORE_UNAVAILABLE, naming the cause; what
// was written before stays readable; once space is back, writes work again without reopening.
// Mounting needs root (this machine kind runs tests as root); elsewhere the test skips and says why,
// and under CI=true it fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionStore } from '../src/index.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'swb-full-disk-'));
let mounted = false;
let whyNot = '';

beforeAll(() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    whyNot = `cannot mount a tmpfs here (${(error as Error).message.split('\n')[0] ?? ''})`;
    if (process.env.CI === 'true') throw new Error(`${whyNot}; CI=true requires it`, { cause: error });
  }
});

afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint], { stdio: 'pipe' });
  rmSync(mountPoint, { recursive: true, force: true });
});

describe('sqlite session store: disk faults', () => {
  it('a full disk: writes fail with SWB_ERR_SESSION_STORE_UNAVAILABLE, earlier sessions stay readable, and writes work again once space is freed', async (context) => {
    if (!mounted) {
      context.skip(whyNot);
      return;
    }
    const store = await createSessionStore({ kind: 'sqlite', path: join(mountPoint, 'sessions.db') });
    try {
      const blob = 'x'.repeat(16 * 1024);
      let written = 0;
      let failure: unknown;
      for (; written < 200; written++) {
        try {
          await store.put(`s${written}`, { blob, n: written }, 600);
        } catch (error) {
          failure = error;
          break;
        }
      }
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(200);
      expect(failure).toMatchObject({ code: 'SWB_ERR_SESSION_STORE_UNAVAILABLE' });
      expect((failure as Error).message + String((failure as { cause?: Error }).cause?.message)).toMatch(/full|disk|space|I\/O/i);
      // Nothing written before the fault is lost.
      for (let i = 0; i < written; i++) expect((await store.get(`s${i}`))?.data).toEqual({ blob, n: i });
      // Free space inside the file, then write again through the same store.
      for (let i = 0; i < Math.ceil(written / 2); i++) await store.delete(`s${i}`);
      await store.put('after', { ok: true }, 600);
      expect((await store.get('after'))?.data).toEqual({ ok: true });
    } finally {
      await store.close();
    }
  });

  it('an unwritable location (/proc) is SWB_ERR_SESSION_STORE_UNAVAILABLE at open, even for root', async () => {
    await expect(createSessionStore({ kind: 'sqlite', path: '/proc/switchboard-sessions.db' })).rejects.toMatchObject({ code: 'SWB_ERR_SESSION_STORE_UNAVAILABLE' });
  });
});
