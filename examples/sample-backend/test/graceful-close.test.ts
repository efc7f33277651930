/**
 * close() drains: readiness turns 503 at once, no new connections, in-flight requests and
 * waiting `later` pushes finish, idle keep-alive sockets do not hold it open.
 */
import { once } from 'node:events';
import { Agent, request, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { contextHeaders } from '@switchboard/protocol';
import { buildSampleBackend } from '../src/index.js';
import { rawClient, recordingLogger, startBackend, startFakeManagementApi } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('close()', () => {
  it('lets an in-flight request finish, answers readyz 503 meanwhile, and refuses new connections', async () => {
    const started = await startBackend();
    cleanups.push(() => started.close());
    // Without an explicit end, the connection would linger this long, past the test's timeout.
    started.backend.server.keepAliveTimeout = 60_000;
    const client = await rawClient(started.port);
    const requested = once(started.backend.server, 'request');
    // Headers and part of the body: the request is in flight.
    client.write('POST /message HTTP/1.1\r\nHost: backend\r\nContent-Length: 5\r\n\r\nhe');
    await requested;

    let closed = false;
    const closing = started.backend.close().then(() => {
      closed = true;
    });
    expect(started.backend.draining).toBe(true);
    expect(started.backend.server.listening).toBe(false);
    await expect(fetch(`${started.url}/healthz`)).rejects.toThrow();
    expect(closed).toBe(false);

    // The rest of the body, with a readiness probe pipelined behind it on the same connection.
    client.write('lloGET /readyz HTTP/1.1\r\nHost: backend\r\n\r\n');
    const text = await client.readToEnd();
    const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(first).toMatch(/\r\n\r\nhello$/);
    expect(second).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(second).toMatch(/\r\n\r\n\{"status":"draining"\}$/);
    await closing;
    expect(closed).toBe(true);
  });

  it('ends a keep-alive connection with Connection: close on its last answer', async () => {
    const started = await startBackend();
    cleanups.push(() => started.close());
    started.backend.server.keepAliveTimeout = 60_000;
    const client = await rawClient(started.port);
    const requested = once(started.backend.server, 'request');
    client.write('POST /message HTTP/1.1\r\nHost: backend\r\nContent-Length: 3\r\n\r\na');
    await requested;
    const closing = started.backend.close();
    client.write('bc');
    const text = await client.readToEnd();
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toMatch(/\r\nconnection: close\r\n/i);
    expect(text).toMatch(/\r\n\r\nabc$/);
    await closing;
  });

  it('sends waiting later pushes at once and waits for them', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fake = await startFakeManagementApi(async () => {
      await released;
      return { status: 200 };
    });
    cleanups.push(() => fake.close());
    const started = await startBackend();
    cleanups.push(() => started.close());

    const response = await fetch(`${started.url}/later`, {
      method: 'POST',
      headers: { [contextHeaders.connectionId]: 'slow', [contextHeaders.managementUrl]: `${fake.url}/dev` },
      body: JSON.stringify({ action: 'later', data: 'before shutdown', delayMs: 60_000 }),
    });
    expect(response.status).toBe(202);
    expect(fake.requests).toHaveLength(0);

    let closed = false;
    const closing = started.backend.close().then(() => {
      closed = true;
    });
    const push = await fake.nextRequest();
    expect(push.body).toBe('before shutdown');
    expect(closed).toBe(false);
    release();
    await closing;
    await started.log.waitFor((e) => e.msg === 'later: pushed');
  });

  it('is not held open by an idle keep-alive connection', async () => {
    const started = await startBackend();
    cleanups.push(() => started.close());
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => {
      agent.destroy();
      return Promise.resolve();
    });
    const req = request(`${started.url}/healthz`, { agent });
    req.end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    res.resume();
    await once(res, 'end');
    const socket = req.socket;
    expect(socket?.destroyed).toBe(false);

    await started.backend.close();
    if (socket !== null && !socket.destroyed) await once(socket, 'close');
    expect(socket?.destroyed).toBe(true);
  });

  it('resolves for a backend that never listened, and returns the same promise twice', async () => {
    const log = recordingLogger();
    const backend = buildSampleBackend({ logger: log.logger });
    const first = backend.close();
    expect(backend.close()).toBe(first);
    await first;
    expect(backend.draining).toBe(true);
  });
});
