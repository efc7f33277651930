/**
 * Session store faults seen from a client: the sample backend's Redis is stopped mid-test (its own
 * redis-server on a free port) and every message meanwhile gets a clear error frame naming
 * SWB_ERR_SESSION_STORE_UNAVAILABLE, without a disconnect; once Redis is back the same backend
 * process answers again. And sessions outlive a backend restart with DynamoDB Local.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoDbLocal } from '../../../session-store/test/helpers/services.js';
import { startTestGateway } from '../helpers/gateway.js';
import {
  closedLoopClient,
  freePort,
  startRedis,
  startSampleBackend,
  stopAllChildren,
  stopChild,
  type ClosedLoopClient,
} from './processes.js';
import { inCi } from './services.js';

afterEach(async () => {
  await stopAllChildren();
});

function gatewayFor(port: number) {
  const integration = (path: string) => ({ uri: `http://127.0.0.1:${port}${path}`, timeoutMs: 5_000 });
  return startTestGateway({
    routes: {
      $connect: { integration: 'connect' },
      $disconnect: { integration: 'disconnect' },
      $default: { integration: 'message', twoWay: true },
    },
    integrations: {
      connect: integration('/connect'),
      disconnect: integration('/disconnect'),
      message: integration('/message'),
    },
  });
}

async function until(
  clients: readonly ClosedLoopClient[],
  done: (c: ClosedLoopClient) => boolean,
): Promise<void> {
  await vi.waitFor(
    () => {
      for (const c of clients) {
        expect(c.stats.unexpected).toEqual([]);
        expect(done(c)).toBe(true);
      }
    },
    { timeout: 10_000, interval: 10 },
  );
}

const storeDown = (reply: string): boolean =>
  reply.includes('"code":"SWB_ERR_SESSION_STORE_UNAVAILABLE"') && reply.includes('session store unavailable');

describe('store faults', () => {
  it('Redis restarted mid-test: clear errors while it is down, recovery without restarting the backend', async () => {
    const redisPort = await freePort();
    let redis = await startRedis(redisPort);
    const backendPort = await freePort();
    const backend = await startSampleBackend(backendPort, [
      '--store',
      'redis',
      '--redis-url',
      `redis://127.0.0.1:${redisPort}`,
    ]);
    await using gateway = await gatewayFor(backendPort);
    const clients = await Promise.all(
      Array.from({ length: 4 }, (_, i) => closedLoopClient(gateway.url(), `r${i}`, storeDown)),
    );
    await until(clients, (c) => c.stats.answered >= 10);

    await stopChild(redis);
    await until(clients, (c) => c.stats.accepted >= 3);
    redis = await startRedis(redisPort);
    const answeredBefore = clients.map((c) => c.stats.answered);
    await until(clients, (c) => c.stats.answered >= (answeredBefore[clients.indexOf(c)] ?? 0) + 10);

    await Promise.all(clients.map((c) => c.stop()));
    for (const c of clients) {
      expect(c.stats.disconnects).toEqual([]);
      expect(c.stats.unexpected).toEqual([]);
    }
    expect(backend.child.exitCode).toBeNull();
    await stopChild(backend.child);
    await stopChild(redis);
  });
});

const local = await dynamoDbLocal();
if (typeof local === 'string' && inCi)
  throw new Error(`CI=true but DynamoDB Local is not available: ${local}`);

describe.skipIf(typeof local === 'string')(
  `sessions outlive a backend restart with DynamoDB Local (skipped: ${typeof local === 'string' ? local : ''})`,
  () => {
    it('the count carries on after the only replica restarts', async () => {
      if (typeof local === 'string') return;
      const port = await freePort();
      const storeArgs = [
        '--store',
        'dynamodb',
        '--dynamodb-endpoint',
        local.endpoint,
        '--dynamodb-table',
        `swb-restart-${port}`,
      ];
      const env = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' };
      try {
        let backend = await startSampleBackend(port, storeArgs, 300, env);
        await using gateway = await gatewayFor(port);
        const clients = await Promise.all(
          Array.from({ length: 3 }, (_, i) => closedLoopClient(gateway.url(), `d${i}`)),
        );
        await until(clients, (c) => c.stats.answered >= 5);
        expect(await stopChild(backend.child)).toBe(0);
        backend = await startSampleBackend(port, storeArgs, 300, env);
        const before = clients.map((c) => c.stats.answered);
        await until(clients, (c) => c.stats.answered >= (before[clients.indexOf(c)] ?? 0) + 5);
        await Promise.all(clients.map((c) => c.stop()));
        for (const c of clients) {
          expect(c.stats.disconnects).toEqual([]);
          expect(c.stats.unexpected).toEqual([]);
        }
        await stopChild(backend.child);
      } finally {
        await local.stop();
      }
    });
  },
);
