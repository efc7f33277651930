/**
 * The central claim, end to end: sample-backend replicas (real processes) stop with SIGTERM and
 * come back while closed-loop clients keep sending through the gateway, and no client notices:
 * no disconnect, no error frame, every message answered once and in order, and the session counts
 * carry on across replicas (SQLite in a shared file, and Redis). Also one replica stopped and
 * restarted within the integration timeout, and 24 stops in a row of three replicas, each while a
 * slow request is in flight on the replica stopping.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  closedLoopClient,
  freePort,
  startSampleBackend,
  stopAllChildren,
  stopChild,
  type BackendProcess,
  type ClosedLoopClient,
} from './processes.js';
import { inCi, redisReachable } from './services.js';

const CLIENTS = 6;
const redisUp = await redisReachable();
const dir = mkdtempSync(join(tmpdir(), 'swb-rolling-'));

afterEach(async () => {
  await stopAllChildren();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A gateway whose three integrations each list every replica, probing /readyz. */
function gatewayFor(ports: number[]): Promise<TestGateway> {
  const uri = (port: number, path: string): string => `http://127.0.0.1:${port}${path}`;
  const integration = (path: string) => ({
    uri: uri(ports[0] ?? 0, path),
    uris: ports.slice(1).map((port) => uri(port, path)),
    timeoutMs: 5_000,
    upstream: { probePath: '/readyz', probeIntervalMs: 50 },
  });
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

/** Resolves once every client has had `more` further replies. */
async function progress(clients: readonly ClosedLoopClient[], more: number): Promise<void> {
  const targets = clients.map((c) => c.stats.answered + more);
  await vi.waitFor(
    () => {
      clients.forEach((c, i) => {
        expect(c.stats.unexpected).toEqual([]);
        expect(c.stats.answered).toBeGreaterThanOrEqual(targets[i] ?? 0);
      });
    },
    { timeout: 10_000, interval: 10 },
  );
}

/** `promise`, or a failure naming `what` if it has not settled within `ms` (a deadline, not a wait). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every `switchboard:upstream:return` of `origin` (any integration) from now until `stop()`. */
function recordReturns(origin: string): { count(): number; stop(): void } {
  let count = 0;
  const listener = (message: unknown): void => {
    if ((message as { origin: string }).origin === origin) count += 1;
  };
  subscribe('switchboard:upstream:return', listener);
  return { count: () => count, stop: () => unsubscribe('switchboard:upstream:return', listener) };
}

/** Resolves when the message integration puts `port` back in rotation (its probe passed). */
function returned(port: number): Promise<void> {
  return new Promise((resolve) => {
    const listener = (message: unknown): void => {
      const { integration, origin } = message as { integration: string; origin: string };
      if (integration === 'message' && origin === `http://127.0.0.1:${port}`) {
        unsubscribe('switchboard:upstream:return', listener);
        resolve();
      }
    };
    subscribe('switchboard:upstream:return', listener);
  });
}

async function expectNobodyNoticed(clients: readonly ClosedLoopClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.stop()));
  for (const c of clients) {
    expect(c.stats.disconnects).toEqual([]);
    expect(c.stats.unexpected).toEqual([]);
  }
}

/** Ejections of the message integration's upstreams, as published. */
function recordEjections(): { origins: Set<string>; stop(): void } {
  const origins = new Set<string>();
  const listener = (message: unknown): void => {
    const { integration, origin } = message as { integration: string; origin: string };
    if (integration === 'message') origins.add(origin);
  };
  subscribe('switchboard:upstream:ejection', listener);
  return { origins, stop: () => unsubscribe('switchboard:upstream:ejection', listener) };
}

async function rollingStop(storeArgs: string[]): Promise<void> {
  const ports = [await freePort(), await freePort()];
  const ejections = recordEjections();
  const [first, b] = await Promise.all(ports.map((port) => startSampleBackend(port, storeArgs)));
  if (first === undefined || b === undefined) throw new Error('two replicas were asked for');
  await using gateway = await gatewayFor(ports);
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) => closedLoopClient(gateway.url(), `c${i}`)),
  );
  await progress(clients, 20);

  // Replica A stops while clients keep sending; B takes everything.
  expect(await stopChild(first.child)).toBe(0);
  await progress(clients, 20);
  // A comes back on its port and is probed back into rotation.
  const aBack = returned(ports[0] ?? 0);
  const a = await startSampleBackend(ports[0] ?? 0, storeArgs);
  await aBack;
  await progress(clients, 20);
  // Now B stops; A, restarted, carries on every session's count.
  expect(await stopChild(b.child)).toBe(0);
  await progress(clients, 20);

  await expectNobodyNoticed(clients);
  ejections.stop();
  // Both replicas really left rotation on the way (the drain signal or a refusal ejected them).
  expect([...ejections.origins].sort()).toEqual(ports.map((port) => `http://127.0.0.1:${port}`).sort());
  await stopChild(a.child);
}

describe('rolling stop of two sample-backend replicas', () => {
  it('with SQLite in a shared file: no client notices, counts carry on', async () => {
    await rollingStop(['--store', 'sqlite', '--sqlite-path', join(dir, 'shared.db')]);
  });

  describe.skipIf(!redisUp && !inCi)('with Redis (skipped: no Redis at 127.0.0.1:6379)', () => {
    it('no client notices, counts carry on', async () => {
      if (!redisUp) throw new Error('CI=true but Redis does not answer at 127.0.0.1:6379');
      await rollingStop(['--store', 'redis', '--redis-url', 'redis://127.0.0.1:6379']);
    });
  });
});

describe('one replica stopped and restarted within the integration timeout', () => {
  it('no client notices: messages sent while it is down wait for it', async () => {
    const port = await freePort();
    const storeArgs = ['--store', 'sqlite', '--sqlite-path', join(dir, 'single.db')];
    let replica = await startSampleBackend(port, storeArgs);
    await using gateway = await gatewayFor([port]);
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => closedLoopClient(gateway.url(), `s${i}`)),
    );
    await progress(clients, 20);
    expect(await stopChild(replica.child)).toBe(0);
    replica = await startSampleBackend(port, storeArgs);
    await progress(clients, 20);
    await expectNobodyNoticed(clients);
    await stopChild(replica.child);
  });
});

describe('24 stops in a row of three replicas, each with a slow request in flight', () => {
  const STOPS = 24;
  const SLOW_MS = 250;

  it('no client notices, and no draining replica is put back in rotation by its slow answers', { timeout: 120_000 }, async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    const storeArgs = ['--store', 'sqlite', '--sqlite-path', join(dir, 'stress.db')];
    // Logging at info: each slow request logs 'answering after a delay' as its wait starts.
    const start = (port: number) => startSampleBackend(port, storeArgs, 200, {}, 'info');
    // Each replica, or its restart in progress: a replica restarts while the next one stops, and
    // the one before is back first, so one or two of the three serve at every moment.
    const replicas: Promise<BackendProcess>[] = ports.map(start);
    await Promise.all(replicas);
    const origin = (port: number) => `http://127.0.0.1:${port}`;
    const integration = (path: string, extra: Record<string, unknown> = {}) => ({
      uri: `${origin(ports[0])}${path}`,
      uris: ports.slice(1).map((port) => `${origin(port)}${path}`),
      timeoutMs: 5_000,
      upstream: { probePath: '/readyz', probeIntervalMs: 50 },
      ...extra,
    });
    const ejections = recordEjections();
    await using gateway = await startTestGateway({
      routes: {
        $connect: { integration: 'connect' },
        $disconnect: { integration: 'disconnect' },
        $default: { integration: 'message', twoWay: true },
        slow: { integration: 'slow', twoWay: true },
      },
      integrations: {
        connect: integration('/connect'),
        disconnect: integration('/disconnect'),
        message: integration('/message'),
        // The same endpoint, answered SLOW_MS late: requests in flight when SIGTERM arrives.
        slow: integration('/message', { requestParameters: { 'integration.request.header.x-sample-delay-ms': `'${SLOW_MS}'` } }),
      },
    });
    const fast = await Promise.all(Array.from({ length: 4 }, (_, i) => closedLoopClient(gateway.url(), `f${i}`)));
    const slow = await Promise.all(
      Array.from({ length: 3 }, (_, i) =>
        closedLoopClient(gateway.url(), `s${i}`, undefined, (name, k) => JSON.stringify({ action: 'slow', id: `${name}-${k}` })),
      ),
    );
    const clients = [...fast, ...slow];
    await progress(clients, 2);

    for (let stop = 0; stop < STOPS; stop += 1) {
      const index = stop % replicas.length;
      // The restart begun two stops ago (that of the replica after this one) is done.
      await replicas[(index + 1) % replicas.length];
      const replica = await replicas[index];
      if (replica === undefined) throw new Error(`no replica ${index}`);
      // Stop it the moment a slow request starts on it: that request is in flight throughout the drain.
      await within(replica.nextLog(/answering after a delay/), 15_000, `a slow request reaching replica ${index} (stop ${stop})`);
      const returns = recordReturns(origin(replica.port));
      expect(await stopChild(replica.child)).toBe(0);
      returns.stop();
      // While it drained, nothing put it back: its slow answers were to requests sent before its ejection.
      expect(returns.count(), `stop ${stop}: a draining replica went back into rotation`).toBe(0);
      const restart = start(replica.port);
      // Awaited before this replica stops again, and at the end; never left unhandled meanwhile.
      restart.catch(() => undefined);
      replicas[index] = restart;
      await progress(fast, 2);
    }
    const running = await Promise.all(replicas);

    await progress(clients, 1);
    await expectNobodyNoticed(clients);
    ejections.stop();
    expect([...ejections.origins].sort()).toEqual(ports.map(origin).sort());
    for (const client of clients) expect(client.stats.answered).toBeGreaterThan(2);
    await Promise.all(running.map((replica) => stopChild(replica.child)));
  });
});
