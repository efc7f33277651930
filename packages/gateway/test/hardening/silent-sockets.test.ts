// File-descriptor exhaustion from one address: silent TCP sockets, TLS sockets that never finish
// their handshake or never send a request, and plain-HTTP keep-alive sockets count toward
// security.maxConnectionsPerIp from the moment they are accepted and are closed by the handshake
// deadline. The excess over the cap is answered 429 or closed at once, another address (127.0.0.2 on
// Linux loopback) is served meanwhile, a WebSocket from the flooding address works once the silent
// ones are gone, and the per-IP count returns to exactly 0.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientOptions } from 'ws';
import { REFUSAL_BACKLOG } from '../../src/security/connection-admission.js';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient, refusal } from '../helpers/client.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';

/** Generous on a loaded 2-core machine: every silent socket must still be open well before it. */
const HANDSHAKE_MS = 3000;

interface Watched {
  readonly socket: Socket;
  /** Everything received so far. */
  received(): string;
  readonly closed: Promise<void>;
  readonly isClosed: () => boolean;
}

function watch(socket: Socket): Watched {
  let data = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  return {
    socket,
    received: () => data,
    closed: new Promise((resolve) =>
      socket.once('close', () => {
        closed = true;
        resolve();
      }),
    ),
    isClosed: () => closed,
  };
}

/** A TCP connection from `localAddress` that sends nothing; resolves once connected. */
async function silentTcp(port: number, localAddress = '127.0.0.1'): Promise<Watched> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  const watched = watch(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return watched;
}

/** Polls `condition` every 20 ms until it holds; fails naming `what` after `ms`. */
async function waitFor(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function echoes(url: string, localAddress: string, options: ClientOptions = {}): Promise<void> {
  await using client = await connectClient(url, undefined, { ...options, localAddress });
  client.send(`hello from ${localAddress}`);
  expect(await client.next()).toBe(`hello from ${localAddress}`);
}

/** Resolves once the client listener has accepted exactly `count` TCP connections still open. */
async function accepted(gateway: TestGateway, count: number): Promise<void> {
  let open = -1;
  await waitFor(() => {
    gateway.gateway.clientServer.getConnections((_error, connections) => (open = connections));
    return open === count;
  }, `${count} connections accepted`);
}

function slots(gateway: TestGateway, ip = '127.0.0.1'): number {
  return gateway.gateway.connectionsPerIp.count(ip);
}

describe('hardening: silent TCP sockets on the client port', () => {
  it('count from accept, are closed by the handshake deadline, and the excess is refused', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), security: { maxConnectionsPerIp: 4 }, timeouts: { handshakeMs: HANDSHAKE_MS } });
    const started = Date.now();
    const admitted = await Promise.all(Array.from({ length: 4 }, () => silentTcp(gateway.clientPort)));
    await waitFor(() => slots(gateway) === 4, '4 slots held by silent sockets');

    // An upgrade from the same address is over the cap: answered 429, naming the reason.
    expect(await refusal(gateway.url(), { localAddress: '127.0.0.1' })).toEqual({ status: 429, body: '{"message":"Too Many Requests"}', code: 'SWB_ERR_TOO_MANY_CONNECTIONS' });
    expect(slots(gateway)).toBe(4);

    // A few more silent sockets are held to be answered; beyond those, each is closed at once.
    const held = await Promise.all(Array.from({ length: REFUSAL_BACKLOG }, () => silentTcp(gateway.clientPort)));
    await accepted(gateway, 4 + REFUSAL_BACKLOG);
    const excess = await Promise.all(Array.from({ length: 10 }, () => silentTcp(gateway.clientPort)));
    await Promise.all(excess.map((socket) => socket.closed));
    expect(Date.now() - started).toBeLessThan(HANDSHAKE_MS);
    expect(excess.map((socket) => socket.received())).toEqual(excess.map(() => ''));
    expect([...admitted, ...held].filter((socket) => socket.isClosed())).toEqual([]);
    expect(slots(gateway)).toBe(4);

    // Another address is not affected.
    await echoes(gateway.url(), '127.0.0.2');

    // The deadline closes every silent socket, with 408 and the reason.
    await Promise.all([...admitted, ...held].map((socket) => socket.closed));
    expect(Date.now() - started).toBeGreaterThanOrEqual(HANDSHAKE_MS - 50);
    for (const socket of [...admitted, ...held]) {
      expect(socket.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(socket.received()).toContain('\r\nx-switchboard-error-code: SWB_ERR_HANDSHAKE_TIMEOUT\r\n');
    }
    await waitFor(() => slots(gateway) === 0, 'the slots to be given back');
    await echoes(gateway.url(), '127.0.0.1');
    await waitFor(() => gateway.gateway.connectionsPerIp.addresses === 0, 'every address to hold no slot');
  });

  it('admits the same split again after churn (no slot leaked or given back twice)', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), security: { maxConnectionsPerIp: 2 }, timeouts: { handshakeMs: HANDSHAKE_MS } });
    for (let round = 0; round < 3; round++) {
      const sockets = await Promise.all(Array.from({ length: 2 + REFUSAL_BACKLOG }, () => silentTcp(gateway.clientPort)));
      await waitFor(() => slots(gateway) === 2, `round ${round}: 2 slots held`);
      await accepted(gateway, 2 + REFUSAL_BACKLOG);
      const extra = await silentTcp(gateway.clientPort);
      await extra.closed; // the backlog is full: closed at once
      expect(sockets.filter((socket) => socket.isClosed())).toEqual([]);
      for (const socket of sockets) socket.socket.destroy();
      await waitFor(() => gateway.gateway.connectionsPerIp.addresses === 0, `round ${round}: every slot given back`);
    }
    await echoes(gateway.url(), '127.0.0.1');
  });
});

describe('hardening: plain-HTTP keep-alive sockets on the client port', () => {
  it('count toward the cap and are closed by the handshake deadline, even while busy', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), security: { maxConnectionsPerIp: 2 }, timeouts: { handshakeMs: HANDSHAKE_MS } });
    const get = 'GET /dev HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';
    const busy = await silentTcp(gateway.clientPort);
    const idle = await silentTcp(gateway.clientPort);
    const started = Date.now();
    idle.socket.write(get);
    busy.socket.write(get);
    // The busy one sends a request every 250 ms: a keep-alive timeout would never close it.
    const loop = setInterval(() => {
      if (!busy.isClosed()) busy.socket.write(get);
    }, 250);
    try {
      await waitFor(() => idle.received().includes('426 Upgrade Required') && busy.received().includes('426 Upgrade Required'), 'the 426 answers');
      expect(slots(gateway)).toBe(2);
      expect(await refusal(gateway.url(), { localAddress: '127.0.0.1' })).toMatchObject({ status: 429, code: 'SWB_ERR_TOO_MANY_CONNECTIONS' });
      await echoes(gateway.url(), '127.0.0.2');
      await Promise.all([busy.closed, idle.closed]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(HANDSHAKE_MS - 50);
    } finally {
      clearInterval(loop);
    }
    expect(busy.received().split('426 Upgrade Required').length - 1).toBeGreaterThan(2);
    await waitFor(() => slots(gateway) === 0, 'the slots to be given back');
    await echoes(gateway.url(), '127.0.0.1');
  });

  it('lets a response in flight at the deadline finish, with Connection: close, then closes', async () => {
    const token = 'silent-sockets-token-0123456789';
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), admin: { onClientListener: true, auth: { mode: 'bearer', bearerTokens: [token] } }, timeouts: { handshakeMs: 1500 } });
    await using client = await connectClient(gateway.url(), undefined, { localAddress: '127.0.0.2' });
    const id = String((await backend.next('/connect')).headers['x-switchboard-connection-id']);
    const push = await silentTcp(gateway.clientPort);
    const started = Date.now();
    push.socket.write(`POST /dev/@connections/${encodeURIComponent(id)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Length: 5\r\n\r\nhe`);
    // The request is in flight (its body incomplete) when the deadline passes: nothing observable happens then.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(push.isClosed()).toBe(false);
    push.socket.write('llo');
    expect(await client.next()).toBe('hello');
    await push.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(push.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(push.received()).toMatch(/\r\nConnection: close\r\n/i);
    await waitFor(() => slots(gateway) === 0, 'the slot to be given back');
  });

  it('an over-cap plain request is answered 429 with the reason', async () => {
    await using gateway = await startTestGateway({ security: { maxConnectionsPerIp: 1 }, timeouts: { handshakeMs: HANDSHAKE_MS } });
    const holder = await silentTcp(gateway.clientPort);
    await waitFor(() => slots(gateway) === 1, 'the slot held');
    const over = await silentTcp(gateway.clientPort);
    over.socket.write('GET /dev HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await over.closed;
    expect(over.received()).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\n/);
    expect(over.received()).toContain('x-switchboard-error-code: SWB_ERR_TOO_MANY_CONNECTIONS');
    holder.socket.destroy();
    await waitFor(() => gateway.gateway.connectionsPerIp.addresses === 0, 'every slot given back');
  });
});

describe('hardening: silent TLS sockets on the client port', () => {
  let dir = '';
  let certFile = '';
  let keyFile = '';
  let cert = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-silent-tls-'));
    certFile = join(dir, 'cert.pem');
    keyFile = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'pipe', timeout: 20_000 },
    );
    cert = readFileSync(certFile, 'utf8');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('count from accept (before the TLS handshake), and are closed by the handshake deadline', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), tls: { certFile, keyFile }, security: { maxConnectionsPerIp: 3 }, timeouts: { handshakeMs: HANDSHAKE_MS } });
    const wss = (stage = 'dev') => `wss://127.0.0.1:${gateway.clientPort}/${stage}`;
    const started = Date.now();
    // Two that never send a ClientHello, one that completes TLS and never sends a request.
    const noHello = await Promise.all([silentTcp(gateway.clientPort), silentTcp(gateway.clientPort)]);
    const secure = tlsConnect({ port: gateway.clientPort, host: '127.0.0.1', ca: cert });
    const noRequest = watch(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    await waitFor(() => slots(gateway) === 3, '3 slots held by silent TLS sockets');

    expect(await refusal(wss(), { localAddress: '127.0.0.1', ca: cert })).toMatchObject({ status: 429, code: 'SWB_ERR_TOO_MANY_CONNECTIONS' });
    await echoes(wss(), '127.0.0.2', { ca: cert });

    await Promise.all([...noHello, noRequest].map((socket) => socket.closed));
    expect(Date.now() - started).toBeGreaterThanOrEqual(HANDSHAKE_MS - 50);
    expect(noHello.map((socket) => socket.received())).toEqual(['', '']);
    expect(noRequest.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(noRequest.received()).toContain('x-switchboard-error-code: SWB_ERR_HANDSHAKE_TIMEOUT');
    await waitFor(() => slots(gateway) === 0, 'the slots to be given back');
    await echoes(wss(), '127.0.0.1', { ca: cert });
    await waitFor(() => gateway.gateway.connectionsPerIp.addresses === 0, 'every address to hold no slot');
  });
});
