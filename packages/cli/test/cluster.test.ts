/**
 * Cluster mode with real processes: `kill -STOP` of a node makes calls for its connections answer
 * 504, `kill -9` makes them answer 410 within the lease, 503 or 504 until then (on Redis and on
 * NATS), and `--workers 2`
 * runs two gateway processes on one client port and one admin port, joined by the bus.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startCli, stopAllCliProcesses } from './helpers/cli-process.js';

const inCi = process.env.CI === 'true';
const services = {
  redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  nats: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
} as const;

function reachable(url: string): Promise<boolean> {
  const parsed = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: parsed.hostname, port: Number(parsed.port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function missing(kind: 'redis' | 'nats'): Promise<string | undefined> {
  if (await reachable(services[kind])) return undefined;
  if (inCi) throw new Error(`${kind} does not answer at ${services[kind]}; CI=true requires it`);
  return `${kind} does not answer at ${services[kind]}`;
}

const LEASE_MS = 3000;

function clusterFlags(kind: 'redis' | 'nats', prefix: string): string[] {
  const sets = [
    `cluster.bus=${kind}`,
    `cluster.prefix=${prefix}`,
    kind === 'redis'
      ? `cluster.redis.url=${services.redis}`
      : `cluster.nats.servers=${JSON.stringify([services.nats])}`,
    'cluster.heartbeatMs=200',
    `cluster.leaseMs=${LEASE_MS}`,
    'cluster.ownerTimeoutMs=500',
    'shutdown.drainMs=0',
    'log.level=warn',
  ];
  return ['--port', '0', '--admin-port', '0', ...sets.flatMap((set) => ['--set', set])];
}

interface Client {
  readonly ws: WebSocket;
  readonly messages: string[];
  next(): Promise<string>;
  readonly closed: Promise<number>;
}

async function connectClient(url: string): Promise<Client> {
  const ws = new WebSocket(url);
  const messages: string[] = [];
  let waiter: ((text: string) => void) | undefined;
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    if (waiter === undefined) messages.push(text);
    else {
      const resolve = waiter;
      waiter = undefined;
      resolve(text);
    }
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    closed,
    next: () => {
      const ready = messages.shift();
      return ready !== undefined ? Promise.resolve(ready) : new Promise((resolve) => (waiter = resolve));
    },
  };
}

/** The ids of the open connections a node lists (its own). */
async function listIds(managementEndpoint: string): Promise<string[]> {
  const response = await fetch(`${managementEndpoint}/@connections`);
  const body = (await response.json()) as { items: { connectionId: string }[] };
  return body.items.map((item) => item.connectionId);
}

afterEach(async () => {
  await stopAllCliProcesses();
});

for (const kind of ['redis', 'nats'] as const) {
  const reason = await missing(kind);
  describe.skipIf(reason !== undefined)(
    `gateway processes on ${kind}${reason === undefined ? '' : ` (skipped: ${reason})`}`,
    () => {
      it('answers 504 while the owner is stopped, and 410 within the lease once it is killed with -9', async () => {
        const prefix = `swbtest-${randomBytes(6).toString('hex')}`;
        const [owner, other] = await Promise.all([
          startCli(['gateway', ...clusterFlags(kind, prefix)]),
          startCli(['gateway', ...clusterFlags(kind, prefix)]),
        ]);
        const client = await connectClient(owner.urls.clients);
        const [id] = await listIds(owner.urls.managementEndpoint);
        if (id === undefined) throw new Error('the owner lists no connection');
        const post = (body: string) =>
          fetch(`${other.urls.managementEndpoint}/@connections/${encodeURIComponent(id)}`, {
            method: 'POST',
            body,
          });

        // The other node may not have heard the owner's first heartbeat yet; a GET changes nothing.
        for (let status = 0; status !== 200;)
          status = (await fetch(`${other.urls.managementEndpoint}/@connections/${encodeURIComponent(id)}`))
            .status;
        expect((await post('hello')).status).toBe(200);
        expect(await client.next()).toBe('hello');

        owner.signal('SIGSTOP');
        const stalled = await post('while stopped');
        expect(stalled.status).toBe(504);
        expect(stalled.headers.get('x-switchboard-error-code')).toBe('SWB_ERR_OWNER_TIMEOUT');
        owner.signal('SIGCONT');

        owner.signal('SIGKILL');
        await owner.exited;
        const killedAt = Date.now();
        let status = 0;
        while (status !== 410) {
          status = (await post('after the crash')).status;
          // 503 while the bus reports nobody at its address but its lease runs: it may only be cut off.
          expect([410, 503, 504]).toContain(status);
          expect(Date.now() - killedAt).toBeLessThan(LEASE_MS + 1000);
        }
        await other[Symbol.asyncDispose]();
      });
    },
  );
}

const natsReason = await missing('nats');
for (const bus of ['embedded', 'nats'] as const) {
  const reason = bus === 'nats' ? natsReason : undefined;
  describe.skipIf(reason !== undefined)(
    `workers on the ${bus} bus${reason === undefined ? '' : ` (skipped: ${reason})`}`,
    () => {
      it('runs 2 workers on one client port and one admin port; a broadcast on the shared admin port reaches both', async () => {
        const prefix = `swbtest-${randomBytes(6).toString('hex')}`;
        const flags =
          bus === 'nats'
            ? clusterFlags('nats', prefix)
            : [
                '--port',
                '0',
                '--admin-port',
                '0',
                '--set',
                'cluster.heartbeatMs=200',
                '--set',
                'shutdown.drainMs=0',
                '--set',
                'log.level=warn',
              ];
        const gateway = await startCli(['gateway', '--workers', '2', ...flags]);
        await gateway.waitForLine(/^ {2}workers\s+2 processes/);
        const clients = await Promise.all(
          Array.from({ length: 6 }, () => connectClient(gateway.urls.clients)),
        );
        // Round-robin spreads the 6 connections over both workers: their ids carry 2 different owner tags.
        const tags = new Set<string>();
        for (let i = 0; i < 10 && tags.size < 2; i++) {
          for (const id of await listIds(gateway.urls.managementEndpoint))
            tags.add(Buffer.from(id.slice(0, 15), 'base64url').toString('hex', 0, 4));
        }
        expect(tags.size).toBe(2);
        // Both workers must know each other before a broadcast counts them all.
        let result = { connections: 0, nodes: 0 };
        while (result.nodes < 2) {
          const response = await fetch(`${gateway.urls.managementEndpoint}/@broadcast`, {
            method: 'POST',
            body: 'all',
          });
          expect(response.status).toBe(200);
          result = (await response.json()) as typeof result;
          if (result.nodes < 2) for (const client of clients) client.messages.length = 0;
        }
        expect(result.connections).toBe(6);
        for (const client of clients) expect(await client.next()).toBe('all');

        gateway.signal('SIGTERM');
        const codes = await Promise.all(clients.map((client) => client.closed));
        expect(codes.every((code) => code === 1001)).toBe(true);
        expect((await gateway.exited).code).toBe(0);
      });
    },
  );
}
