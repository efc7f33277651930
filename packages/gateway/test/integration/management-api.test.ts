import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';

function sdk(endpoint: string): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });
}

async function connectionIdOf(backend: Awaited<ReturnType<typeof startTestBackend>>): Promise<string> {
  return String((await backend.next('/connect')).headers['x-switchboard-connection-id']);
}

describe('management API through @aws-sdk/client-apigatewaymanagementapi', () => {
  it('posts to, gets and deletes a connection; then answers GoneException', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway(routesTo(backend.url));
    const client = await connectClient(gateway.url(), undefined, { headers: { 'User-Agent': 'test-agent/1.0' } });
    const id = await connectionIdOf(backend);
    const management = sdk(gateway.managementEndpoint);

    const post = await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'pushed' }));
    expect(post.$metadata.httpStatusCode).toBe(200);
    expect(post.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await client.next()).toBe('pushed');

    const got = await management.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(got.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'test-agent/1.0' });
    expect(got.ConnectedAt).toBeInstanceOf(Date);
    expect(got.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(got.ConnectedAt!.getTime());

    const deleted = await management.send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect((await client.closed).code).toBe(1000);
    const disconnect = await backend.next('/disconnect');
    expect(disconnect.headers['x-switchboard-connection-id']).toBe(id);

    for (const command of [new PostToConnectionCommand({ ConnectionId: id, Data: 'late' }), new GetConnectionCommand({ ConnectionId: id }), new DeleteConnectionCommand({ ConnectionId: id })]) {
      const error = await management.send(command as PostToConnectionCommand).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GoneException);
      expect((error as GoneException).$metadata.httpStatusCode).toBe(410);
    }
  });

  it('answers GoneException for an id that never existed', async () => {
    await using gateway = await startTestGateway();
    const error = await sdk(gateway.managementEndpoint)
      .send(new PostToConnectionCommand({ ConnectionId: 'R1kmxc2VNjMCFIA=', Data: 'x' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoneException);
  });

  it('answers PayloadTooLargeException over 128 KB and accepts exactly 128 KB', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway(routesTo(backend.url));
    await using client = await connectClient(gateway.url());
    const id = await connectionIdOf(backend);
    const management = sdk(gateway.managementEndpoint);
    const error = await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(131_073, 0x61) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeException);
    await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(131_072, 0x62) }));
    expect(await client.next()).toHaveLength(131_072);
  });
});

describe('management API over plain HTTP', () => {
  it('accepts /@connections without a stage and %40connections, with x-amzn-RequestId on every answer', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway(routesTo(backend.url));
    await using client = await connectClient(gateway.url());
    const id = await connectionIdOf(backend);
    const bare = await fetch(`${gateway.adminUrl}/@connections/${encodeURIComponent(id)}`, { method: 'POST', body: 'one' });
    expect(bare.status).toBe(200);
    expect(bare.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(await client.next()).toBe('one');
    const encoded = await fetch(`${gateway.adminUrl}/dev/%40connections/${encodeURIComponent(id)}`, { method: 'POST', body: 'two' });
    expect(encoded.status).toBe(200);
    expect(await client.next()).toBe('two');
    const get = await fetch(`${gateway.adminUrl}/dev/%40connections/${encodeURIComponent(id)}`);
    expect(get.headers.get('content-type')).toBe('application/json');
    const body = (await get.json()) as { connectedAt: string; lastActiveAt: string };
    expect(body.connectedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(body.lastActiveAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('refuses non-UTF-8 data with 400 while binary is rejected, and sends it as a binary frame when accepted', async () => {
    for (const binary of ['reject', 'accept'] as const) {
      await using backend = await startTestBackend();
      await using gateway = await startTestGateway({ ...routesTo(backend.url), limits: { binary } });
      await using client = await connectClient(gateway.url());
      const id = await connectionIdOf(backend);
      const received = new Promise<{ data: Buffer; isBinary: boolean }>((resolve) => client.ws.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })));
      const response = await fetch(`${gateway.managementEndpoint}/@connections/${encodeURIComponent(id)}`, { method: 'POST', body: Buffer.from([0xff, 0xfe]) });
      if (binary === 'reject') {
        expect(response.status).toBe(400);
        expect(response.headers.get('x-amzn-errortype')).toBe('BadRequestException');
        expect(((await response.json()) as { message: string }).message).toContain('not valid UTF-8');
        client.send('still open');
        expect(await client.next()).toBe('still open');
      } else {
        expect(response.status).toBe(200);
        const frame = await received;
        expect(frame.isBinary).toBe(true);
        expect([...frame.data]).toEqual([0xff, 0xfe]);
      }
    }
  });

  it('answers 410 with the GoneException header and {"message":null}', async () => {
    await using gateway = await startTestGateway();
    const response = await fetch(`${gateway.managementEndpoint}/@connections/R1kmxc2VNjMCFIA%3D`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(410);
    expect(response.headers.get('x-amzn-errortype')).toBe('GoneException');
    expect(response.headers.get('x-switchboard-error-code')).toBe('SWB_ERR_CONNECTION_GONE');
    expect(await response.text()).toBe('{"message":null}');
  });

  it('answers 403 ForbiddenException for an unknown stage, path or method', async () => {
    await using gateway = await startTestGateway();
    for (const [path, method] of [
      ['/prod/@connections/R1kmxc2VNjMCFIA%3D', 'POST'],
      ['/dev/connections/R1kmxc2VNjMCFIA%3D', 'POST'],
      ['/dev/@connections/R1kmxc2VNjMCFIA%3D', 'PUT'],
      ['/dev/@connections', 'POST'],
    ] as const) {
      const response = await fetch(`${gateway.adminUrl}${path}`, { method, body: 'x' });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
      expect(await response.json()).toEqual({ message: 'Forbidden' });
    }
  });

  it('answers 410 when the connection belongs to another stage', async () => {
    await using gateway = await startTestGateway({ api: { stages: ['dev', 'prod'] } });
    await using _client = await connectClient(gateway.url('dev'));
    const [connection] = [...gateway.gateway.registry.values()];
    const response = await fetch(`${gateway.adminUrl}/prod/@connections/${encodeURIComponent(connection!.id)}`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(410);
  });

  it('lists open connections of a stage, page by page', async () => {
    await using gateway = await startTestGateway({ api: { stages: ['dev', 'prod'] } });
    const clients = await Promise.all([...Array.from({ length: 5 }, () => connectClient(gateway.url('dev'))), connectClient(gateway.url('prod'))]);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const response = await fetch(`${gateway.adminUrl}/dev/@connections?limit=2${token === undefined ? '' : `&nextToken=${token}`}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: { connectionId: string; stage: string; identity: { sourceIp: string } }[]; nextToken?: string };
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) {
        expect(item.stage).toBe('dev');
        expect(item.identity.sourceIp).toBe('127.0.0.1');
        seen.push(item.connectionId);
      }
      token = page.nextToken;
      pages++;
    } while (token !== undefined);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    const all = (await (await fetch(`${gateway.adminUrl}/@connections`)).json()) as { items: unknown[] };
    expect(all.items).toHaveLength(6);
    const bad = await fetch(`${gateway.adminUrl}/dev/@connections?limit=0`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    const badToken = await fetch(`${gateway.adminUrl}/dev/@connections?nextToken=%%%`);
    expect(badToken.status).toBe(400);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('serves /healthz and /readyz', async () => {
    await using gateway = await startTestGateway();
    expect((await fetch(`${gateway.adminUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gateway.adminUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
