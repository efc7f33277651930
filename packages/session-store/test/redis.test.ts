// The Redis adapter against the conformance suite on the real Redis (REDIS_URL, default
// 127.0.0.1:6379), with a random key prefix per run that is deleted afterwards.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessionStore, type SessionStore } from '../src/index.js';
import { sessionStoreConformance } from './conformance/session-store.case.js';
import { freePort, inCi, redisReachable, redisUrl } from './helpers/services.js';

const available = await redisReachable();
if (!available && inCi) throw new Error(`CI=true but Redis does not answer at ${redisUrl}`);
const keyPrefix = `swb-test:${randomUUID()}:`;

afterAll(async () => {
  if (!available) return;
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(keys);
  await redis.quit();
});

describe.skipIf(!available)(`redis (skipped: no Redis at ${redisUrl})`, () => {
  sessionStoreConformance('redis', () => createSessionStore({ kind: 'redis', url: redisUrl, keyPrefix }));

  it('expiry is Redis’s own: the key carries a PX TTL', async () => {
    const store = await createSessionStore({ kind: 'redis', url: redisUrl, keyPrefix });
    const redis = new Redis(redisUrl);
    try {
      await store.put('ttl', { a: 1 }, 30);
      const pttl = await redis.pttl(`${keyPrefix}ttl`);
      expect(pttl).toBeGreaterThan(25_000);
      expect(pttl).toBeLessThanOrEqual(30_000);
    } finally {
      await redis.quit();
      await store.close();
    }
  });

  it('a Redis that does not answer is SWB_ERR_SESSION_STORE_UNAVAILABLE at open', async () => {
    const port = await freePort();
    await expect(
      createSessionStore({
        kind: 'redis',
        url: `redis://127.0.0.1:${port}`,
        redisOptions: { retryStrategy: () => null },
      }),
    ).rejects.toMatchObject({
      code: 'SWB_ERR_SESSION_STORE_UNAVAILABLE',
    });
  });
});

export type { SessionStore };
