import { describe, expect, it } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';

describe('graceful close()', () => {
  it('turns readiness 503, refuses new connections, closes clients with 1001 after the drain window and flushes $disconnect', async () => {
    await using backend = await startTestBackend(async (request, response) => {
      // $disconnect is slow: close() must still wait for it.
      if (request.path.startsWith('/disconnect')) await new Promise((resolve) => setTimeout(resolve, 100));
      response.writeHead(200);
      response.end(request.path.startsWith('/message') ? request.body : undefined);
    });
    const gateway = await startTestGateway({ ...routesTo(backend.url), shutdown: { drainMs: 300, disconnectFlushMs: 3000 } });
    const clients = await Promise.all([connectClient(gateway.url()), connectClient(gateway.url())]);
    const closing = gateway.gateway.close();
    const startedAt = Date.now();

    const ready = await fetch(`${gateway.adminUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });
    await expect(connectClient(gateway.url())).rejects.toThrow();

    // During the drain window, connected clients keep working.
    clients[0].send('still here');
    expect(await clients[0].next()).toBe('still here');

    const closes = await Promise.all(clients.map((c) => c.closed));
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(closes.every((c) => c.code === 1001)).toBe(true);
    await closing;
    const disconnects = backend.requests.filter((r) => r.path === '/disconnect');
    expect(disconnects).toHaveLength(2);
    expect(disconnects.every((r) => r.headers['x-switchboard-disconnect-status-code'] === '1001')).toBe(true);
    expect(gateway.gateway.registry.size).toBe(0);
  });

  it('terminates clients that do not answer the close handshake', async () => {
    await using backend = await startTestBackend();
    const gateway = await startTestGateway({ ...routesTo(backend.url), shutdown: { drainMs: 0, disconnectFlushMs: 300 } });
    const client = await connectClient(gateway.url());
    // A client that stops reading never answers the close frame.
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await gateway.gateway.close();
    expect(gateway.gateway.registry.size).toBe(0);
    expect((await backend.next('/disconnect')).headers['x-switchboard-disconnect-status-code']).toBe('1001');
    client.ws.terminate();
  });
});
