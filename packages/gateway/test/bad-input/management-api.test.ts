// Bad input, management API: bad paths, ids, methods, query parameters and bodies, oversize bodies
// (declared and streamed), a wrong stage, and replayed SigV4 signatures. Each answer is checked to the
// status, the x-amzn-ErrorType and the SWB_ERR_* code; a real connection keeps receiving pushes.
import { request as httpRequest } from 'node:http';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../helpers/client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Answer {
  readonly status: number;
  readonly errorType: string | undefined;
  readonly code: string | undefined;
  readonly body: string;
}

/** One raw HTTP request to the admin listener; the path is sent exactly as given. */
function call(port: number, method: string, path: string, body?: Buffer | (() => Iterable<Buffer>), headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          errorType: response.headers['x-amzn-errortype']?.toString(),
          code: response.headers['x-switchboard-error-code']?.toString(),
          body: Buffer.concat(chunks).toString(),
        });
      });
    });
    req.on('error', reject);
    if (typeof body === 'function') {
      void (async () => {
        for (const chunk of body()) if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        req.end();
      })().catch(() => undefined);
    } else req.end(body);
  });
}

let gateway: TestGateway;
let client: TestClient;
let connectionId: string;

beforeAll(async () => {
  gateway = await startTestGateway({ api: { stages: ['dev', 'prod'] }, routes: {}, integrations: {} });
  client = await connectClient(gateway.url());
  const listed = await call(gateway.adminPort, 'GET', '/dev/@connections');
  connectionId = (JSON.parse(listed.body) as { items: { connectionId: string }[] }).items[0]?.connectionId ?? '';
  expect(connectionId).not.toBe('');
});

afterAll(async () => {
  await client.close();
  await gateway.close();
});

/** The real connection still gets a push: no bad request above cost it anything. */
async function connectionStillServed(): Promise<void> {
  const text = `push ${Math.random()}`;
  const answer = await call(gateway.adminPort, 'POST', `/dev/@connections/${encodeURIComponent(connectionId)}`, Buffer.from(text));
  expect(answer.status).toBe(200);
  expect(await client.next()).toBe(text);
}

describe('bad input: management API paths, ids and methods', () => {
  it.each([
    ['/dev/@connections/a/b'],
    ['/dev/extra/@connections/x'],
    ['/@connections/x/'],
    ['/dev/connections/x'],
    ['/dev'],
    ['/%2e%2e/@connections'],
  ])('answers 403 ForbiddenException to the unknown path %s', async (path) => {
    const answer = await call(gateway.adminPort, 'GET', path);
    expect(answer).toMatchObject({ status: 403, errorType: 'ForbiddenException', body: '{"message":"Forbidden"}' });
  });

  it('answers 403 SWB_ERR_STAGE_NOT_FOUND to a stage the gateway does not serve, for every method', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const answer = await call(gateway.adminPort, method, `/staging/@connections/${encodeURIComponent(connectionId)}`, method === 'POST' ? Buffer.from('x') : undefined);
      expect(answer).toMatchObject({ status: 403, errorType: 'ForbiddenException', code: 'SWB_ERR_STAGE_NOT_FOUND' });
    }
  });

  it('answers 410 for a connection of another stage, and does not deliver the push', async () => {
    const answer = await call(gateway.adminPort, 'POST', `/prod/@connections/${encodeURIComponent(connectionId)}`, Buffer.from('wrong stage'));
    expect(answer).toMatchObject({ status: 410, errorType: 'GoneException', code: 'SWB_ERR_CONNECTION_GONE' });
    await connectionStillServed();
  });

  it('answers 400 BadRequestException to an id that is not valid percent-encoding', async () => {
    const answer = await call(gateway.adminPort, 'GET', '/dev/@connections/%ZZ%E0%A4%A');
    expect(answer).toMatchObject({ status: 400, errorType: 'BadRequestException', code: 'SWB_ERR_BAD_REQUEST' });
  });

  it.each([
    ['a 8 KB id', 'x'.repeat(8_000)],
    ['an id with a NUL byte', 'abc%00def'],
    ['an id of dots', '..'],
    ['an id with an encoded slash', 'a%2Fb'],
    ['unicode', '%F0%9F%92%A5'],
  ])('answers 410 GoneException to %s', async (_name, id) => {
    const answer = await call(gateway.adminPort, 'GET', `/dev/@connections/${id}`);
    expect(answer).toMatchObject({ status: 410, errorType: 'GoneException', body: '{"message":null}' });
  });

  it('answers 431 to a management request with a header over 16 KB', async () => {
    const answer = await call(gateway.adminPort, 'GET', `/dev/@connections/${encodeURIComponent(connectionId)}`, undefined, { 'x-big': 'a'.repeat(20_000) });
    expect(answer.status).toBe(431);
    await connectionStillServed();
  });

  it.each(['PUT', 'PATCH', 'OPTIONS', 'HEAD'])('answers 403 ForbiddenException to %s on a connection', async (method) => {
    const answer = await call(gateway.adminPort, method, `/dev/@connections/${encodeURIComponent(connectionId)}`);
    expect(answer.status).toBe(403);
    if (method !== 'HEAD') expect(answer.errorType).toBe('ForbiddenException');
  });

  it('answers 403 to POST and DELETE on the listing', async () => {
    expect((await call(gateway.adminPort, 'POST', '/dev/@connections', Buffer.from('x'))).status).toBe(403);
    expect((await call(gateway.adminPort, 'DELETE', '/dev/@connections')).status).toBe(403);
    await connectionStillServed();
  });

  it.each([['limit=0'], ['limit=-1'], ['limit=abc'], ['limit=1001'], ['limit=1.5'], ['nextToken=!!!'], ['nextToken=' + 'A'.repeat(100)], ['nextToken=YWJj']])(
    'answers 400 BadRequestException to the listing with %s',
    async (query) => {
      const answer = await call(gateway.adminPort, 'GET', `/dev/@connections?${query}`);
      expect(answer).toMatchObject({ status: 400, errorType: 'BadRequestException', code: 'SWB_ERR_BAD_REQUEST' });
    },
  );
});

describe('bad input: management API bodies', () => {
  it('answers 413 PayloadTooLargeException at once to a declared Content-Length over 128 KB', async () => {
    const answer = await call(gateway.adminPort, 'POST', `/dev/@connections/${encodeURIComponent(connectionId)}`, Buffer.alloc(131_073, 0x61));
    expect(answer).toMatchObject({ status: 413, errorType: 'PayloadTooLargeException', code: 'SWB_ERR_PAYLOAD_TOO_LARGE' });
    await connectionStillServed();
  });

  it('answers 413 to a chunked body (no Content-Length) once it passes 128 KB, and delivers nothing', async () => {
    function* chunks(): Iterable<Buffer> {
      for (let i = 0; i < 64; i++) yield Buffer.alloc(16_384, 0x62);
    }
    const answer = await call(gateway.adminPort, 'POST', `/dev/@connections/${encodeURIComponent(connectionId)}`, chunks, { 'transfer-encoding': 'chunked' });
    expect(answer).toMatchObject({ status: 413, errorType: 'PayloadTooLargeException' });
    await connectionStillServed();
  });

  it('answers 413 to a Content-Length that is not a number', async () => {
    const answer = await call(gateway.adminPort, 'POST', `/dev/@connections/${encodeURIComponent(connectionId)}`, undefined, { 'content-length': '1e9' });
    expect([400, 413]).toContain(answer.status);
  });

  it('sends an empty body as an empty text frame, as AWS does', async () => {
    const answer = await call(gateway.adminPort, 'POST', `/dev/@connections/${encodeURIComponent(connectionId)}`, Buffer.alloc(0));
    expect(answer.status).toBe(200);
    expect(await client.next()).toBe('');
  });

  it('answers 400 to data that is not UTF-8 while binary is rejected, and sends nothing', async () => {
    const answer = await call(gateway.adminPort, 'POST', `/dev/@connections/${encodeURIComponent(connectionId)}`, Buffer.from([0xc3, 0x28]));
    expect(answer).toMatchObject({ status: 400, errorType: 'BadRequestException' });
    await connectionStillServed();
  });
});

describe('bad input: replayed SigV4 signatures', () => {
  const ACCESS_KEY = 'AKIDREPLAYTEST';
  const SECRET = 'replay-secret-0123456789abcdef';

  it('accepts a replay inside admin.auth.clockSkewMs (SigV4 has no nonce, as on AWS) and refuses it once the window passed', async () => {
    await using signed = await startTestGateway({ admin: { auth: { mode: 'verify', accessKeys: { [ACCESS_KEY]: SECRET }, clockSkewMs: 1000 } } });
    await using target = await connectClient(signed.url());
    expect((await call(signed.adminPort, 'GET', '/dev/@connections')).status).toBe(403); // unsigned: refused
    // Capture the exact request the SDK signs and sends.
    let captured: { path: string; headers: Record<string, string>; body: Buffer } | undefined;
    const sdk = new ApiGatewayManagementApiClient({ endpoint: `http://127.0.0.1:${signed.adminPort}/dev`, region: 'us-east-1', credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET }, maxAttempts: 1 });
    type Middleware = Parameters<ApiGatewayManagementApiClient['middlewareStack']['addRelativeTo']>[0];
    const capture = (next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
      const request = args.request as { path: string; headers: Record<string, string>; body?: unknown };
      captured = { path: request.path, headers: { ...request.headers }, body: Buffer.from(request.body as Uint8Array) };
      return next(args);
    };
    sdk.middlewareStack.addRelativeTo(capture as unknown as Middleware, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'capture' });
    const first = gatewayConnectionId(signed);
    await sdk.send(new PostToConnectionCommand({ ConnectionId: first, Data: Buffer.from('original') }));
    expect(await target.next()).toBe('original');
    if (captured === undefined) throw new Error('the SDK request was not captured');
    const replay = captured;
    const headers = Object.fromEntries(Object.entries(replay.headers).filter(([name]) => name.toLowerCase() !== 'host'));
    const again = await call(signed.adminPort, 'POST', replay.path, replay.body, headers);
    expect(again.status).toBe(200);
    expect(await target.next()).toBe('original');
    // x-amz-date has whole seconds: wait until the signature is more than clockSkewMs old.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const late = await call(signed.adminPort, 'POST', replay.path, replay.body, headers);
    expect(late).toMatchObject({ status: 403, errorType: 'ForbiddenException', code: 'SWB_ERR_MANAGEMENT_AUTH' });
    sdk.destroy();
  });
});

/** The id of the one connection open on `gateway`, read from its registry. */
function gatewayConnectionId(gateway: TestGateway): string {
  const [connection] = gateway.gateway.registry.values();
  if (connection === undefined) throw new Error('no connection is open');
  return connection.id;
}
