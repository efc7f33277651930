// Choosing an adapter loads only its driver: in a fresh Node process (the built package, so no
// test runner has loaded anything), each kind is opened and the loaded modules are inspected.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from './helpers/services.js';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** In a child process: open the store (a failure to connect is fine), then list driver families loaded. */
const probe = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { createSessionStore } = await import(process.argv[1]);
const config = JSON.parse(process.argv[2]);
try { const store = await createSessionStore(config); await store.close(); } catch (error) { if (error.code !== 'SWB_ERR_SESSION_STORE_UNAVAILABLE') throw error; }
const loaded = Object.keys(require.cache);
const families = { sqlite: /better-sqlite3/, redis: /ioredis/, dynamodb: /@aws-sdk|@smithy/ };
process.stdout.write(JSON.stringify(Object.keys(families).filter((name) => loaded.some((path) => families[name].test(path)))));
`;

async function driversLoadedBy(config: object): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    ['--no-warnings', '--input-type=module', '-e', probe, dist, JSON.stringify(config)],
    { timeout: 20_000 },
  );
  return JSON.parse(stdout) as string[];
}

describe('createSessionStore loads an adapter only when it is chosen', () => {
  it('needs the built package (npm test builds first)', () => {
    expect(existsSync(dist), `${dist} is missing: run npx tsc -b`).toBe(true);
  });

  it('memory loads no native, Redis or AWS code', async () => {
    expect(await driversLoadedBy({ kind: 'memory' })).toEqual([]);
  });

  it('each other kind loads its own driver and no other (which also shows the check can see them)', async () => {
    const port = await freePort();
    const [sqlite, redis, dynamodb] = await Promise.all([
      driversLoadedBy({ kind: 'sqlite', path: ':memory:' }),
      driversLoadedBy({
        kind: 'redis',
        url: `redis://127.0.0.1:${port}`,
        redisOptions: { retryStrategy: null },
      }),
      driversLoadedBy({
        kind: 'dynamodb',
        table: 't',
        endpoint: `http://127.0.0.1:${port}`,
        clientConfig: { maxAttempts: 1, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
      }),
    ]);
    expect({ sqlite, redis, dynamodb }).toEqual({
      sqlite: ['sqlite'],
      redis: ['redis'],
      dynamodb: ['dynamodb'],
    });
  });
});
