import { describe, expect, it } from 'vitest';
import { startTestBackend, unusedUrl, echoHandler } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';

const ID = '[A-Za-z0-9_-]{15}=';

describe('messages', () => {
  it('echoes through a two-way $default route, sending the raw frame as the body', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway(routesTo(backend.url));
    await using client = await connectClient(gateway.url());
    client.send('hello');
    expect(await client.next()).toBe('hello');
    const request = await backend.next('/message');
    expect(request.body.toString()).toBe('hello');
    expect(request.headers['user-agent']).toBe('AmazonAPIGateway_switchboard');
    expect(request.headers['x-switchboard-event-type']).toBe('MESSAGE');
    expect(request.headers['x-switchboard-route-key']).toBe('$default');
    expect(request.headers['x-switchboard-message-id']).toMatch(new RegExp(`^${ID}$`));
    expect(request.headers['x-amzn-apigateway-api-id']).toBe('switchboard');
    expect(request.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(request.headers.cookie).toBeUndefined();
  });

  it('routes by the selection expression, sends non-JSON to $default, and one-way routes send nothing back', async () => {
    await using backend = await startTestBackend((request, response) => {
      response.writeHead(200);
      response.end(`${request.path}:${request.body.toString()}`);
    });
    await using gateway = await startTestGateway(routesTo(backend.url, { join: { path: '/join', twoWay: true }, quiet: { path: '/quiet' } }));
    await using client = await connectClient(gateway.url());
    client.send('{"action":"quiet"}');
    client.send('{"action":"join","room":1}');
    expect(await client.next()).toBe('/join:{"action":"join","room":1}');
    client.send('not json');
    expect(await client.next()).toBe('/message:not json');
    client.send('{"action":"unknown"}');
    expect(await client.next()).toBe('/message:{"action":"unknown"}');
    expect(backend.requests.filter((r) => r.path === '/quiet')).toHaveLength(1);
    expect((await backend.next('/join')).headers['x-switchboard-route-key']).toBe('join');
  });

  it('sends the Forbidden frame when nothing matches and there is no $default', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({
      integrations: { join: { uri: `${backend.url}/join` } },
      routes: { join: { integration: 'join', twoWay: true } },
    });
    await using client = await connectClient(gateway.url());
    client.send('{"action":"nope"}');
    const frame = await client.next();
    expect(frame).toMatch(new RegExp(`^\\{"message": "Forbidden", "connectionId":"${ID}", "requestId":"${ID}"\\}$`));
    const [connection] = [...gateway.gateway.registry.values()];
    expect(frame).toContain(`"connectionId":"${connection?.id ?? ''}"`);
  });

  it('sends the Internal server error frame when the backend is down, and keeps the connection', async () => {
    await using gateway = await startTestGateway({
      // A refused request is retried until the integration timeout (docs/backends.md), so keep it short.
      integrations: { down: { uri: `${await unusedUrl()}/message`, timeoutMs: 300 } },
      routes: { $default: { integration: 'down', twoWay: true } },
    });
    await using client = await connectClient(gateway.url());
    client.send('hello');
    expect(await client.next()).toMatch(new RegExp(`^\\{"message": "Internal server error", "connectionId":"${ID}", "requestId":"${ID}"\\}$`));
    client.send('again');
    expect(await client.next()).toContain('Internal server error');
  });

  it('sends the Endpoint request timed out frame after the integration timeout', async () => {
    await using backend = await startTestBackend((request, response) => {
      if (request.body.toString() === 'slow') return; // never answers
      return echoHandler(request, response);
    });
    await using gateway = await startTestGateway({
      integrations: { message: { uri: `${backend.url}/message`, timeoutMs: 150 } },
      routes: { $default: { integration: 'message', twoWay: true } },
    });
    await using client = await connectClient(gateway.url());
    client.send('slow');
    expect(await client.next()).toMatch(new RegExp(`^\\{"message": "Endpoint request timed out", "connectionId":"${ID}", "requestId":"${ID}"\\}$`));
    client.send('fast');
    expect(await client.next()).toBe('fast');
  });

  it("forwards the backend's body whatever its status, and nothing for an empty body", async () => {
    await using backend = await startTestBackend((request, response) => {
      if (!request.path.startsWith('/message')) return echoHandler(request, response);
      const text = request.body.toString();
      response.writeHead(text === 'empty' ? 200 : 500);
      response.end(text === 'empty' ? '' : `status for ${text}`);
    });
    await using gateway = await startTestGateway(routesTo(backend.url));
    await using client = await connectClient(gateway.url());
    client.send('empty');
    client.send('x');
    expect(await client.next()).toBe('status for x');
  });

  it('keeps replies in arrival order with the default concurrency of 1', async () => {
    await using backend = await startTestBackend(async (request, response) => {
      const n = Number(request.body.toString());
      await new Promise((resolve) => setTimeout(resolve, n % 3 === 0 ? 20 : 0));
      response.writeHead(200);
      response.end(String(n));
    });
    await using gateway = await startTestGateway(routesTo(backend.url));
    await using client = await connectClient(gateway.url());
    for (let n = 0; n < 30; n++) client.send(String(n));
    const replies: string[] = [];
    for (let n = 0; n < 30; n++) replies.push(await client.next());
    expect(replies).toEqual(Array.from({ length: 30 }, (_, n) => String(n)));
  });

  it('runs messages of one connection in parallel when concurrency allows it', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await using backend = await startTestBackend(async (request, response) => {
      if (!request.path.startsWith('/message')) return echoHandler(request, response);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (inFlight === 3) release();
      await gate;
      inFlight--;
      response.writeHead(200);
      response.end(request.body);
    });
    await using gateway = await startTestGateway({ ...routesTo(backend.url), dispatch: { concurrency: 3 } });
    await using client = await connectClient(gateway.url());
    for (const n of ['a', 'b', 'c']) client.send(n);
    const replies = [await client.next(), await client.next(), await client.next()];
    expect(replies.sort()).toEqual(['a', 'b', 'c']);
    expect(maxInFlight).toBe(3);
  });

  it('maps RequestParameters onto headers and the query string, as on AWS', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({
      integrations: {
        message: {
          uri: `${backend.url}/message/{room}`,
          contextHeaders: false,
          requestParameters: {
            'integration.request.header.connectionId': 'context.connectionId',
            'integration.request.header.x-token': 'route.request.body.token',
            'integration.request.querystring.src': "'static value'",
            'integration.request.querystring.stage': 'context.stage',
            'integration.request.path.room': 'route.request.body.room',
            'integration.request.header.x-tier': 'stageVariables.tier',
          },
        },
      },
      routes: { $default: { integration: 'message', twoWay: true } },
      api: { stageVariables: { dev: { tier: 'gold' } } },
    });
    await using client = await connectClient(gateway.url());
    client.send('{"token":"t0k","room":"lobby 1"}');
    await client.next();
    const request = await backend.next('/message');
    const [connection] = [...gateway.gateway.registry.values()];
    expect(request.headers.connectionid).toBe(connection?.id);
    expect(request.headers['x-token']).toBe('t0k');
    expect(request.headers['x-tier']).toBe('gold');
    expect(request.path).toBe('/message/lobby%201?src=static+value&stage=dev');
    expect(request.headers['x-switchboard-connection-id']).toBeUndefined();
  });

  it('sends $disconnect after the close, with the close code and reason', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway(routesTo(backend.url));
    const client = await connectClient(gateway.url());
    const connect = await backend.next('/connect');
    client.ws.close(4001, 'bye now');
    const disconnect = await backend.next('/disconnect');
    expect(disconnect.body).toHaveLength(0);
    expect(disconnect.headers['x-switchboard-event-type']).toBe('DISCONNECT');
    expect(disconnect.headers['x-switchboard-connection-id']).toBe(connect.headers['x-switchboard-connection-id']);
    expect(disconnect.headers['x-switchboard-disconnect-status-code']).toBe('4001');
    expect(disconnect.headers['x-switchboard-disconnect-reason']).toBe('bye%20now');
    expect(disconnect.headers['user-agent']).toBe('AmazonAPIGateway_switchboard');
    expect(gateway.gateway.registry.size).toBe(0);
  });

  it('delivers messages queued before a close, then $disconnect last', async () => {
    await using backend = await startTestBackend(async (request, response) => {
      if (request.path.startsWith('/message')) await new Promise((resolve) => setTimeout(resolve, 10));
      response.writeHead(200);
      response.end();
    });
    await using gateway = await startTestGateway(routesTo(backend.url));
    const client = await connectClient(gateway.url());
    for (let n = 0; n < 5; n++) client.send(String(n));
    client.ws.close(1000);
    await backend.next('/disconnect');
    const paths = backend.requests.map((r) => `${r.path}${r.path === '/message' ? `:${r.body.toString()}` : ''}`);
    expect(paths).toEqual(['/connect', '/message:0', '/message:1', '/message:2', '/message:3', '/message:4', '/disconnect']);
  });
});
