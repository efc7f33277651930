/**
 * `switchboard up` as a user runs it (the README demo and the Done-when): the real process
 * on port 0s, `wscat` echoing, the AWS JS SDK management client, the `later` push through the
 * management API, and the SIGTERM drain.
 */
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { ListConnectionsResponse } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../gateway/test/helpers/client.js';
import {
  repoRoot,
  spawnProcess,
  startCli,
  stopAllCliProcesses,
  type StartedCli,
} from './helpers/cli-process.js';

const PORT_0S = ['--port', '0', '--admin-port', '0', '--backend-port', '0'];
const wscatBin = join(repoRoot, 'node_modules/.bin/wscat');

/** The ids of the open connections of the endpoint's stage whose User-Agent is `userAgent`. */
async function connectionIds(managementEndpoint: string, userAgent: string): Promise<string[]> {
  const response = await fetch(`${managementEndpoint}/@connections`);
  expect(response.status).toBe(200);
  const list = (await response.json()) as ListConnectionsResponse;
  return list.items.filter((item) => item.identity.userAgent === userAgent).map((item) => item.connectionId);
}

async function theConnectionId(managementEndpoint: string, userAgent: string): Promise<string> {
  const ids = await connectionIds(managementEndpoint, userAgent);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

interface UpgradeTap {
  /** Port to connect to instead of the gateway's. */
  readonly port: number;
  /** Resolves once the gateway's `101 Switching Protocols` has been passed on to the client. */
  readonly upgraded: Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A byte-for-byte TCP relay in front of the client port. wscat prints nothing when it connects
 * without a terminal, so the test learns of the upgrade here instead: the gateway registers a
 * connection in the same tick as it writes the 101, so once the 101 is seen the connection is
 * listed by the management API.
 */
async function startUpgradeTap(targetPort: number): Promise<UpgradeTap> {
  const sockets = new Set<Socket>();
  let markUpgraded: () => void = () => undefined;
  const upgraded = new Promise<void>((resolve) => (markUpgraded = resolve));
  const server = createServer((downstream) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [downstream, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {
        downstream.destroy();
        upstream.destroy();
      });
    }
    let head = '';
    upstream.on('data', (chunk: Buffer) => {
      downstream.write(chunk);
      if (head.length < 13) {
        head += chunk.toString('latin1');
        if (head.startsWith('HTTP/1.1 101 ')) markUpgraded();
      }
    });
    downstream.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.once('end', () => downstream.end());
    downstream.once('end', () => upstream.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the tap has no port');
  return {
    port: address.port,
    upgraded,
    async [Symbol.asyncDispose]() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

describe('switchboard up', () => {
  let up: StartedCli;

  beforeAll(async () => {
    up = await startCli(['up', ...PORT_0S]);
  });

  afterAll(async () => {
    // Stops the shared `up` and anything a failed or timed-out test left running.
    await stopAllCliProcesses();
  });

  it('prints the banner with every URL on 127.0.0.1', async () => {
    expect(up.urls.clients).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/dev$/);
    expect(up.urls.managementEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dev$/);
    expect(up.urls.backend).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(up.stdout).toContain(`Try: npx wscat -c ${up.urls.clients}`);
    expect((await fetch(`${up.urls.admin}/healthz`)).status).toBe(200);
    expect((await fetch(`${up.urls.admin}/readyz`)).status).toBe(200);
  });

  it('echoes through wscat run without a terminal', async () => {
    const clientUrl = new URL(up.urls.clients);
    await using tap = await startUpgradeTap(Number(clientUrl.port));
    const wscat = spawnProcess(
      process.execPath,
      [wscatBin, '-c', `ws://127.0.0.1:${tap.port}${clientUrl.pathname}`],
      { stdin: true },
    );
    await using _wscat = wscat;
    await tap.upgraded;

    // wscat reads stdin lines only once it is open, and prints no "Connected" without a terminal:
    // a push arrives after the 101 on the same socket, so once it is printed, wscat is listening.
    const id = await theConnectionId(up.urls.managementEndpoint, '');
    const push = await fetch(`${up.urls.managementEndpoint}/@connections/${encodeURIComponent(id)}`, {
      method: 'POST',
      body: 'wscat is connected',
    });
    expect(push.status).toBe(200);
    await wscat.waitForLine(/^wscat is connected$/);

    wscat.stdin!.write('hello\n');
    // After each line it sends, wscat writes its "> " prompt even without a terminal.
    await wscat.waitForLine(/^(?:> )*hello \[#1\]$/);

    wscat.stdin!.end();
    expect(await wscat.exited).toEqual({ code: 0, signal: null });
    expect(wscat.stderr).toBe('');
  });

  it('serves @aws-sdk/client-apigatewaymanagementapi: post, get, delete, then GoneException', async () => {
    const userAgent = 'switchboard-up-test/sdk';
    await using client = await connectClient(up.urls.clients, undefined, {
      headers: { 'User-Agent': userAgent },
    });
    const id = await theConnectionId(up.urls.managementEndpoint, userAgent);
    const management = new ApiGatewayManagementApiClient({
      endpoint: up.urls.managementEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    try {
      const post = await management.send(
        new PostToConnectionCommand({ ConnectionId: id, Data: 'from the JS SDK' }),
      );
      expect(post.$metadata.httpStatusCode).toBe(200);
      expect(await client.next()).toBe('from the JS SDK');

      const got = await management.send(new GetConnectionCommand({ ConnectionId: id }));
      expect(got.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: userAgent });
      expect(got.ConnectedAt).toBeInstanceOf(Date);
      expect(got.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(got.ConnectedAt!.getTime());

      const deleted = await management.send(new DeleteConnectionCommand({ ConnectionId: id }));
      expect(deleted.$metadata.httpStatusCode).toBe(204);
      expect((await client.closed).code).toBe(1000);

      const gone = await management
        .send(new PostToConnectionCommand({ ConnectionId: id, Data: 'too late' }))
        .catch((error: unknown) => error);
      expect(gone).toBeInstanceOf(GoneException);
      expect((gone as GoneException).$metadata.httpStatusCode).toBe(410);
    } finally {
      management.destroy();
    }
  });

  it('pushes a `later` reply back through the management API', async () => {
    await using client = await connectClient(up.urls.clients, undefined, {
      headers: { 'User-Agent': 'switchboard-up-test/later' },
    });
    const sentAt = performance.now();
    client.send(JSON.stringify({ action: 'later', data: 'pushed later', delayMs: 50 }));
    // `later` is a one-way route: the only frame is the push the backend makes after delayMs.
    expect(await client.next()).toBe('pushed later');
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(45);
  });
});

describe('switchboard up on SIGTERM', () => {
  afterAll(async () => {
    await stopAllCliProcesses();
  });

  it('turns readiness 503, refuses new clients, closes clients with 1001 after the drain window and exits 0', async () => {
    const drainMs = 300;
    await using up = await startCli([
      'up',
      ...PORT_0S,
      '--set',
      `shutdown.drainMs=${drainMs}`,
      '--set',
      'log.format=json',
    ]);
    await using client = await connectClient(up.urls.clients, undefined, {
      headers: { 'User-Agent': 'switchboard-up-test/drain' },
    });

    const signalledAt = performance.now();
    up.signal('SIGTERM');
    await up.waitForLine(/"msg":"draining: /);

    const ready = await fetch(`${up.urls.admin}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });

    // The client listener has stopped: a new client is refused (connection refused, or a 503 handshake).
    const refused = await connectClient(up.urls.clients).then(
      async (late) => {
        await late.close();
        return undefined;
      },
      (error: unknown) => error as Error & { code?: string; status?: number },
    );
    expect(refused, 'a client connected during the drain').toBeDefined();
    expect(
      refused!.code === 'ECONNREFUSED' || refused!.status === 503,
      `refused with ${refused!.message}`,
    ).toBe(true);

    // (That the connected client keeps working during the window is proven in-process, in
    // packages/gateway/test/integration/shutdown.test.ts; here the window is too short to race it.)
    const closed = await client.closed;
    const elapsed = performance.now() - signalledAt;
    expect(closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(elapsed).toBeGreaterThanOrEqual(drainMs - 10);
    expect(elapsed).toBeLessThan(drainMs + 2_000);
    expect(await up.exited).toEqual({ code: 0, signal: null });
    expect(up.stdout).toContain('"msg":"gateway stopped"');
  });
});
