// Every HTTP answer that refuses a WebSocket upgrade names its reason in `x-switchboard-error-code`
// (400, 401, 403, 408, 429, 502, 503 and the backend's own status), and each connect and each
// refusal is logged at debug (connection id, source address, code), never at info, and never with
// the query string's token.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { startGateway } from '../../src/main.js';
import { startTestBackend, unusedUrl, type TestBackend } from '../helpers/backend.js';
import { connectClient, refusal } from '../helpers/client.js';
import { routesTo } from '../helpers/gateway.js';
import { rawExchange } from '../helpers/raw-http.js';

const QUERY_TOKEN = 'query-token-5d1e9a7c3b8f2a64';

/** A gateway whose log lines (at `level`) land in `lines`, one parsed object each. */
async function loggedGateway(input: ConfigInput, level: 'debug' | 'info', lines: Record<string, unknown>[], raw: string[] = []) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const config = configSchema.parse({ ...input, listen: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: 0 }, shutdown: { drainMs: 0, disconnectFlushMs: 500 } });
  const running = await startGateway(config, pino({ level }, sink));
  return { ...running, [Symbol.asyncDispose]: () => running.gateway.close() };
}

/** The backend refuses a `$connect` whose client asked for it (`?reject=1`), else echoes. */
function rejectingBackend(): Promise<TestBackend> {
  return startTestBackend((request, response) => {
    const seen = `${request.path} ${JSON.stringify(request.headers)} ${request.body.toString()}`;
    if (request.path.startsWith('/connect') && seen.includes('reject=1')) {
      response.writeHead(409, { 'content-type': 'text/plain' });
      response.end('no');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(request.path.startsWith('/message') ? request.body : '');
  });
}

function upgrade(path: string, headers: Record<string, string> = {}): string {
  const all: Record<string, string> = { Host: '127.0.0.1', Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), 'Sec-WebSocket-Version': '13', ...headers };
  return `GET ${path} HTTP/1.1\r\n${Object.entries(all)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n`;
}

/** Status line and `x-switchboard-error-code` of the answer to a raw request. */
async function rawRefusal(port: number, request: string): Promise<{ status: string; code: string | undefined }> {
  const answer = await rawExchange(port, request);
  return { status: answer.split('\r\n', 1)[0] ?? '', code: /\r\nx-switchboard-error-code: (\S+)\r\n/i.exec(answer)?.[1] };
}

/** Connects once (with a token in the query string), then is refused four ways, each checked. */
async function connectAndBeRefused(gateway: { clientPort: number }): Promise<void> {
  const url = (stage: string, query = '') => `ws://127.0.0.1:${gateway.clientPort}/${stage}${query}`;
  await using client = await connectClient(url('dev', `?token=${QUERY_TOKEN}`));
  client.send('hi');
  expect(await client.next()).toBe('hi');
  expect(await rawRefusal(gateway.clientPort, upgrade('/dev', { 'Sec-WebSocket-Key': 'short' }))).toEqual({ status: 'HTTP/1.1 400 Bad Request', code: 'SWB_ERR_BAD_HANDSHAKE' });
  expect(await refusal(url('nope', `?token=${QUERY_TOKEN}`))).toEqual({ status: 403, body: '{"message":"Forbidden"}', code: 'SWB_ERR_STAGE_NOT_FOUND' });
  expect(await refusal(url('dev'), { origin: 'https://evil.example' })).toEqual({ status: 403, body: '{"message":"Forbidden"}', code: 'SWB_ERR_ORIGIN_NOT_ALLOWED' });
  expect(await refusal(url('dev', `?reject=1&token=${QUERY_TOKEN}`))).toEqual({ status: 409, body: 'no', code: 'SWB_ERR_CONNECT_REJECTED' });
}

const refusalCodes = ['SWB_ERR_BAD_HANDSHAKE', 'SWB_ERR_STAGE_NOT_FOUND', 'SWB_ERR_ORIGIN_NOT_ALLOWED', 'SWB_ERR_CONNECT_REJECTED'];

describe('handshake refusals: x-switchboard-error-code', () => {
  it('names the reason of a $connect backend that cannot be reached (502) and of a missing identity (401)', async () => {
    const nowhere = await unusedUrl();
    const lines: Record<string, unknown>[] = [];
    await using unreachable = await loggedGateway(
      { integrations: { connect: { uri: `${nowhere}/connect`, upstream: { retry: { enabled: false } } } }, routes: { $connect: { integration: 'connect' } } },
      'info',
      lines,
    );
    expect(await refusal(`ws://127.0.0.1:${unreachable.clientPort}/dev`)).toEqual({ status: 502, body: '{"message": "Internal server error"}', code: 'SWB_ERR_BACKEND_UNREACHABLE' });
    // A backend failure is the operator's business: it stays at warn.
    expect(lines.some((line) => line.level === 40 && line.code === 'SWB_ERR_BACKEND_UNREACHABLE')).toBe(true);

    await using backend = await startTestBackend();
    await using authorized = await loggedGateway(
      {
        authorizers: { auth: { type: 'REQUEST', uri: `${backend.url}/authorize`, identitySource: ['route.request.header.X-Client'] } },
        integrations: { connect: { uri: `${backend.url}/connect` } },
        routes: { $connect: { integration: 'connect', authorizationType: 'CUSTOM', authorizer: 'auth' } },
      },
      'info',
      [],
    );
    expect(await refusal(`ws://127.0.0.1:${authorized.clientPort}/dev`)).toEqual({ status: 401, body: '{"message":"Unauthorized"}', code: 'SWB_ERR_UNAUTHORIZED' });
  });

  it('names the reason of a refusal while draining (503) and of a handshake that never completed (408)', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    await using backend = await startTestBackend(async (request, response) => {
      if (request.path.startsWith('/connect')) await released;
      response.writeHead(200);
      response.end();
    });
    await using gateway = await loggedGateway({ ...routesTo(backend.url), timeouts: { handshakeMs: 1000 } }, 'info', []);
    expect(await rawRefusal(gateway.clientPort, 'GET /dev HTTP/1.1\r\nHost: 127.0.0.1\r\n')).toEqual({ status: 'HTTP/1.1 408 Request Timeout', code: 'SWB_ERR_HANDSHAKE_TIMEOUT' });
    const waiting = refusal(`ws://127.0.0.1:${gateway.clientPort}/dev`);
    await backend.next('/connect');
    const closed = gateway.gateway.close();
    release();
    expect(await waiting).toEqual({ status: 503, body: '{"message":"Service Unavailable"}', code: 'SWB_ERR_DRAINING' });
    await closed;
  });
});

describe('connects and refusals are logged at debug', () => {
  it('logs each connect (id, stage, address) and each refusal (code, status, address) at debug, without the query token', async () => {
    await using backend = await rejectingBackend();
    const lines: Record<string, unknown>[] = [];
    const raw: string[] = [];
    await using gateway = await loggedGateway({ ...routesTo(backend.url), security: { allowedOrigins: ['https://app.example.com'] } }, 'debug', lines, raw);
    await connectAndBeRefused(gateway);
    const opened = lines.filter((line) => line.msg === 'connection opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ level: 20, stage: 'dev', sourceIp: '127.0.0.1' });
    expect(opened[0]?.connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    const refused = lines.filter((line) => line.msg === 'WebSocket upgrade refused');
    expect(refused.map((line) => line.code)).toEqual(refusalCodes);
    for (const line of refused) expect(line).toMatchObject({ level: 20, sourceIp: '127.0.0.1' });
    expect(refused.find((line) => line.code === 'SWB_ERR_CONNECT_REJECTED')).toMatchObject({ status: 409, connectionId: expect.stringMatching(/=$/) as unknown });
    expect(raw.join('')).not.toContain(QUERY_TOKEN);
  });

  it('logs none of them at info', async () => {
    await using backend = await rejectingBackend();
    const lines: Record<string, unknown>[] = [];
    const raw: string[] = [];
    await using gateway = await loggedGateway({ ...routesTo(backend.url), security: { allowedOrigins: ['https://app.example.com'] } }, 'info', lines, raw);
    await connectAndBeRefused(gateway);
    expect(lines.filter((line) => line.msg === 'connection opened' || line.msg === 'WebSocket upgrade refused')).toEqual([]);
    expect(lines.filter((line) => typeof line.code === 'string' && refusalCodes.includes(line.code))).toEqual([]);
    expect(raw.join('')).not.toContain(QUERY_TOKEN);
  });
});
