// Secrets and tokens never reach the logs: every log line of gateways at level trace is captured
// during authorized and refused bearer, SigV4 and JWT flows (and a $connect whose backend is down
// while the token is in the query string), and none may contain a secret, a token or a signature.
import { Writable } from 'node:stream';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { SignJWT } from 'jose';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { startGateway } from '../../src/main.js';
import { startTestBackend, unusedUrl } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';

const BEARER = 'bearer-token-7f3a9c1e5b2d4f60';
const WRONG_BEARER = 'wrong-token-0a1b2c3d4e5f6a7b';
const ACCESS_KEY = 'AKIDLOGCHECK';
const SECRET_KEY = 'sigv4-secret-3e8d1f0a9b7c6d5e';
const JWT_SECRET = 'jwt-signing-secret-that-is-long-enough-9c8b7a';

/** A gateway whose every log line (level trace) lands in `lines`. */
async function loggedGateway(input: ConfigInput, lines: string[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const config = configSchema.parse({ ...input, listen: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: 0, ...input.admin }, shutdown: { drainMs: 0, disconnectFlushMs: 500 } });
  const running = await startGateway(config, pino({ level: 'trace' }, sink));
  return { ...running, [Symbol.asyncDispose]: () => running.gateway.close() };
}

async function post(adminPort: number, id: string, authorization: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${adminPort}/dev/@connections/${encodeURIComponent(id)}`, { method: 'POST', body: 'x', headers: { authorization } });
  await response.arrayBuffer();
  return response.status;
}

function expectNoSecrets(lines: string[], secrets: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  const log = lines.join('');
  for (const secret of secrets) expect(log.includes(secret), `the log contains ${secret.slice(0, 12)}…`).toBe(false);
}

describe('security: secrets and tokens are never logged', () => {
  it('keeps bearer tokens, JWTs and the JWT secret out of the logs, accepted or refused', async () => {
    const lines: string[] = [];
    await using backend = await startTestBackend();
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const tampered = `${token.slice(0, -4)}AAAA`;
    await using gateway = await loggedGateway(
      {
        admin: { auth: { mode: 'bearer', bearerTokens: [BEARER] } },
        authorizers: { jwt: { type: 'JWT', secret: JWT_SECRET } },
        integrations: { connect: { uri: `${backend.url}/connect` }, message: { uri: `${backend.url}/message` } },
        routes: { $connect: { integration: 'connect', authorizationType: 'JWT', authorizer: 'jwt' }, $default: { integration: 'message', twoWay: true } },
      },
      lines,
    );
    await using client = await connectClient(`ws://127.0.0.1:${gateway.clientPort}/dev?token=${token}`);
    await expect(connectClient(`ws://127.0.0.1:${gateway.clientPort}/dev?token=${tampered}`)).rejects.toMatchObject({ status: 401 });
    await expect(connectClient(`ws://127.0.0.1:${gateway.clientPort}/dev`, [`token.${tampered}`])).rejects.toBeDefined();
    const [connection] = gateway.gateway.registry.values();
    const id = connection?.id ?? '';
    expect(await post(gateway.adminPort, id, `Bearer ${BEARER}`)).toBe(200);
    expect(await client.next()).toBe('x');
    expect(await post(gateway.adminPort, id, `Bearer ${WRONG_BEARER}`)).toBe(403);
    expect(await post(gateway.adminPort, id, WRONG_BEARER)).toBe(403);
    expectNoSecrets(lines, [BEARER, WRONG_BEARER, JWT_SECRET, token, tampered, token.split('.')[2] ?? token]);
  });

  it('keeps SigV4 secret keys and signatures out of the logs, for verified and refused requests', async () => {
    const lines: string[] = [];
    await using gateway = await loggedGateway({ admin: { auth: { mode: 'verify', accessKeys: { [ACCESS_KEY]: SECRET_KEY } } } }, lines);
    await using client = await connectClient(`ws://127.0.0.1:${gateway.clientPort}/dev`);
    const [connection] = gateway.gateway.registry.values();
    const signatures: string[] = [];
    const sdkWith = (secretAccessKey: string) => {
      const sdk = new ApiGatewayManagementApiClient({ endpoint: `http://127.0.0.1:${gateway.adminPort}/dev`, region: 'us-east-1', credentials: { accessKeyId: ACCESS_KEY, secretAccessKey }, maxAttempts: 1 });
      type Middleware = Parameters<ApiGatewayManagementApiClient['middlewareStack']['addRelativeTo']>[0];
      const capture = (next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
        const auth = (args.request as { headers: Record<string, string> }).headers.authorization ?? '';
        signatures.push(/Signature=([0-9a-f]+)/.exec(auth)?.[1] ?? 'missing');
        return next(args);
      };
      sdk.middlewareStack.addRelativeTo(capture as unknown as Middleware, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'capture' });
      return sdk;
    };
    const good = sdkWith(SECRET_KEY);
    await good.send(new PostToConnectionCommand({ ConnectionId: connection?.id ?? '', Data: Buffer.from('signed') }));
    expect(await client.next()).toBe('signed');
    const bad = sdkWith('not-the-secret-key-at-all-000');
    await expect(bad.send(new PostToConnectionCommand({ ConnectionId: connection?.id ?? '', Data: Buffer.from('forged') }))).rejects.toMatchObject({ name: 'ForbiddenException' });
    good.destroy();
    bad.destroy();
    expect(signatures).toHaveLength(2);
    expectNoSecrets(lines, [SECRET_KEY, 'not-the-secret-key-at-all-000', ...signatures]);
  });

  it('keeps a query-string token out of the logs when the $connect backend is down', async () => {
    const lines: string[] = [];
    const down = await unusedUrl();
    await using gateway = await loggedGateway({ integrations: { connect: { uri: `${down}/connect`, timeoutMs: 1000 } }, routes: { $connect: { integration: 'connect' } } }, lines);
    const secretQuery = 'session-token-5d4c3b2a1f0e9d8c';
    await expect(connectClient(`ws://127.0.0.1:${gateway.clientPort}/dev?token=${secretQuery}`)).rejects.toMatchObject({ status: 502 });
    expectNoSecrets(lines, [secretQuery]);
  });
});
