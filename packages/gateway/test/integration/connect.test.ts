import { describe, expect, it } from 'vitest';
import { startTestBackend, unusedUrl } from '../helpers/backend.js';
import { connectClient, refusedStatus } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';
import { rawExchange } from '../helpers/raw-http.js';

describe('$connect', () => {
  it('accepts on 2xx and forwards the handshake headers and query string with an empty body', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway(routesTo(backend.url));
    await using _client = await connectClient(gateway.url('dev', 'token=abc&x=1'), undefined, { headers: { Cookie: 'a=b', Origin: 'https://app.example.com' } });
    const connect = await backend.next('/connect');
    expect(connect.method).toBe('POST');
    expect(connect.path).toBe('/connect?token=abc&x=1');
    expect(connect.body).toHaveLength(0);
    expect(connect.headers.cookie).toBe('a=b');
    expect(connect.headers.origin).toBe('https://app.example.com');
    expect(connect.headers['sec-websocket-key']).toMatch(/==$/);
    expect(connect.headers['sec-websocket-version']).toBe('13');
    expect(connect.headers.upgrade).toBeUndefined();
    expect(connect.headers['x-amzn-apigateway-api-id']).toBe('switchboard');
    expect(connect.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(connect.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(connect.headers['x-forwarded-proto']).toBe('http');
    expect(connect.headers['x-forwarded-port']).toBe(String(gateway.clientPort));
    expect(connect.headers['x-switchboard-connection-id']).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(connect.headers['x-switchboard-event-type']).toBe('CONNECT');
    expect(connect.headers['x-switchboard-route-key']).toBe('$connect');
    expect(connect.headers['x-switchboard-stage']).toBe('dev');
    expect(connect.headers['x-switchboard-request-id']).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(connect.headers['x-switchboard-management-url']).toBe(`${gateway.adminUrl}/dev`);
  });

  for (const status of [301, 400, 401, 403, 500, 501]) {
    it(`refuses the handshake with the backend's ${status}`, async () => {
      await using backend = await startTestBackend((request, response) => {
        response.writeHead(request.path.startsWith('/connect') ? status : 200, { 'content-type': 'application/json' });
        response.end('{"reason":"no"}');
      });
      await using gateway = await startTestGateway(routesTo(backend.url));
      const refused = await refusedStatus(gateway.url());
      expect(refused.status).toBe(status);
      expect(refused.body).toBe('{"reason":"no"}');
      expect(gateway.gateway.registry.size).toBe(0);
    });
  }

  it('answers 502 when the backend cannot be reached', async () => {
    const { routes, integrations } = routesTo(await unusedUrl());
    // A refused request is retried until the integration timeout (docs/backends.md), so keep it short.
    await using gateway = await startTestGateway({ routes, integrations: { ...integrations, connect: { uri: integrations?.connect?.uri ?? '', timeoutMs: 300 } } });
    expect((await refusedStatus(gateway.url())).status).toBe(502);
  });

  it('answers 502 when $connect times out', async () => {
    await using backend = await startTestBackend(() => undefined);
    const config = routesTo(backend.url);
    config.integrations!.connect = { uri: `${backend.url}/connect`, timeoutMs: 100 };
    await using gateway = await startTestGateway(config);
    expect((await refusedStatus(gateway.url())).status).toBe(502);
  });

  it("copies Sec-WebSocket-Protocol from the backend's response", async () => {
    await using backend = await startTestBackend((_request, response) => {
      response.writeHead(200, { 'sec-websocket-protocol': 'chat2' });
      response.end();
    });
    await using gateway = await startTestGateway(routesTo(backend.url));
    await using client = await connectClient(gateway.url(), ['chat1', 'chat2']);
    expect(client.ws.protocol).toBe('chat2');
    expect((await backend.next('/connect')).headers['sec-websocket-protocol']).toBe('chat1,chat2');
  });

  it('answers 410 to a push made before $connect returned, and 200 after', async () => {
    let pushDuringConnect = 0;
    await using backend = await startTestBackend(async (request, response) => {
      if (request.path.startsWith('/connect')) {
        const id = String(request.headers['x-switchboard-connection-id']);
        const push = await fetch(`${String(request.headers['x-switchboard-management-url'])}/@connections/${encodeURIComponent(id)}`, { method: 'POST', body: 'early' });
        pushDuringConnect = push.status;
      }
      response.writeHead(200);
      response.end();
    });
    await using gateway = await startTestGateway(routesTo(backend.url));
    await using _client = await connectClient(gateway.url());
    expect(pushDuringConnect).toBe(410);
    const id = String((await backend.next('/connect')).headers['x-switchboard-connection-id']);
    expect(gateway.gateway.registry.get(id)).toBeDefined();
  });

  it('accepts every handshake when there is no $connect route', async () => {
    await using gateway = await startTestGateway();
    await using client = await connectClient(gateway.url());
    expect(gateway.gateway.registry.size).toBe(1);
    await client.close();
  });

  it('serves the default stage at / and refuses unknown stages with 403', async () => {
    await using gateway = await startTestGateway({ api: { stages: ['dev', 'prod'], defaultStage: 'prod' } });
    await using _client = await connectClient(gateway.url(''));
    const [connection] = [...gateway.gateway.registry.values()];
    expect(connection?.stage).toBe('prod');
    expect((await refusedStatus(gateway.url('nope'))).status).toBe(403);
    expect((await refusedStatus(`${gateway.url('dev')}/extra`)).status).toBe(403);
  });

  it('answers 426 to a plain HTTP request on the client port', async () => {
    await using gateway = await startTestGateway();
    const response = await fetch(`http://127.0.0.1:${gateway.clientPort}/dev`);
    expect(response.status).toBe(426);
  });

  it('refuses a malformed upgrade with 400', async () => {
    await using gateway = await startTestGateway();
    const answer = await rawExchange(
      gateway.clientPort,
      'GET /dev HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1.1 400 /);
    expect(answer).toContain('Sec-WebSocket-Key');
  });

  it('refuses a malformed Sec-WebSocket-Protocol with 400 before calling the backend', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway(routesTo(backend.url));
    const answer = await rawExchange(
      gateway.clientPort,
      'GET /dev HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat, chat\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1.1 400 /);
    expect(answer).toContain('Sec-WebSocket-Protocol');
    expect(backend.requests).toHaveLength(0);
  });
});
