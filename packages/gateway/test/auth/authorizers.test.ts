/**
 * `$connect` authorizers end to end: REQUEST authorizers over HTTP and as Lambda modules (identity
 * sources, 401/403/500 outcomes, the context reaching the backend on every event), and the JWT
 * authorizer with the token in the query string or in Sec-WebSocket-Protocol.
 */
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { exportJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { startTestBackend, type RecordedRequest, type TestBackend } from '../helpers/backend.js';
import { connectClient, refusedStatus } from '../helpers/client.js';
import { startTestGateway } from '../helpers/gateway.js';

const allowPolicy = (resource: string) => ({
  Version: '2012-10-17',
  Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resource }],
});

/** A backend whose `/authorize` answers by the `token` query parameter, and whose other paths echo. */
async function authorizerBackend(): Promise<TestBackend> {
  return startTestBackend((request, response) => {
    if (request.path.startsWith('/authorize')) {
      const input = JSON.parse(request.body.toString()) as {
        methodArn: string;
        queryStringParameters?: Record<string, string>;
      };
      const token = input.queryStringParameters?.token;
      const json = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (token === 'allow')
        json(200, {
          principalId: 'user-1',
          policyDocument: allowPolicy(input.methodArn),
          context: { userId: 'u-42', admin: true, level: 3 },
        });
      else if (token === 'wildcard')
        json(200, { principalId: 'user-2', policyDocument: allowPolicy('arn:aws:execute-api:*:*:*/dev/*') });
      else if (token === 'unauthorized') json(200, 'Unauthorized');
      else if (token === 'deny')
        json(200, {
          principalId: 'user-1',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: input.methodArn }],
          },
        });
      else if (token === 'other-stage')
        json(200, {
          principalId: 'user-1',
          policyDocument: allowPolicy(input.methodArn.replace('/dev/', '/prod/')),
        });
      else if (token === 'malformed') json(200, { policyDocument: 'nope' });
      else if (token === 'huge')
        json(200, {
          principalId: 'user-1',
          policyDocument: allowPolicy(input.methodArn),
          context: { blob: 'x'.repeat(9_000) },
        });
      else if (token === 'slow')
        setTimeout(
          () => json(200, { principalId: 'user-1', policyDocument: allowPolicy(input.methodArn) }),
          1_000,
        );
      else json(500, { message: 'boom' });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(request.path.startsWith('/message') ? request.body : '');
  });
}

function requestAuthorizerConfig(
  backend: TestBackend,
  authorizer: NonNullable<ConfigInput['authorizers']>[string],
): ConfigInput {
  const mapped = {
    'integration.request.header.x-user': 'context.authorizer.userId',
    'integration.request.header.x-principal': 'context.authorizer.principalId',
  };
  return {
    authorizers: { auth: authorizer },
    integrations: {
      connect: { uri: `${backend.url}/connect`, requestParameters: mapped },
      message: { uri: `${backend.url}/message`, requestParameters: mapped },
      disconnect: { uri: `${backend.url}/disconnect`, requestParameters: mapped },
    },
    routes: {
      $connect: { integration: 'connect', authorizationType: 'CUSTOM', authorizer: 'auth' },
      $default: { integration: 'message', twoWay: true },
      $disconnect: { integration: 'disconnect' },
    },
  };
}

const authorizeCalls = (backend: TestBackend): RecordedRequest[] =>
  backend.requests.filter((r) => r.path.startsWith('/authorize'));

describe('REQUEST authorizer over HTTP', () => {
  it('answers 401 without calling the authorizer when an identity source is missing', async () => {
    await using backend = await authorizerBackend();
    await using gateway = await startTestGateway(
      requestAuthorizerConfig(backend, {
        type: 'REQUEST',
        uri: `${backend.url}/authorize`,
        identitySource: ['route.request.querystring.token', 'route.request.header.X-Client'],
      }),
    );
    expect(await refusedStatus(gateway.url('dev'))).toEqual({
      status: 401,
      body: '{"message":"Unauthorized"}',
    });
    expect(await refusedStatus(gateway.url('dev', 'token=allow'))).toMatchObject({ status: 401 });
    expect(authorizeCalls(backend)).toHaveLength(0);
    expect(backend.requests.filter((r) => r.path.startsWith('/connect'))).toHaveLength(0);
  });

  it('maps Unauthorized to 401, Deny and an uncovered methodArn to 403, and failures to 500, never calling $connect', async () => {
    await using backend = await authorizerBackend();
    await using gateway = await startTestGateway(
      requestAuthorizerConfig(backend, {
        type: 'REQUEST',
        uri: `${backend.url}/authorize`,
        identitySource: ['route.request.querystring.token'],
      }),
    );
    expect(await refusedStatus(gateway.url('dev', 'token=unauthorized'))).toEqual({
      status: 401,
      body: '{"message":"Unauthorized"}',
    });
    expect(await refusedStatus(gateway.url('dev', 'token=deny'))).toEqual({
      status: 403,
      body: '{"message":"Forbidden"}',
    });
    expect(await refusedStatus(gateway.url('dev', 'token=other-stage'))).toMatchObject({ status: 403 });
    expect(await refusedStatus(gateway.url('dev', 'token=malformed'))).toMatchObject({ status: 500 });
    expect(await refusedStatus(gateway.url('dev', 'token=explode'))).toEqual({
      status: 500,
      body: '{"message":"Internal server error"}',
    });
    expect(authorizeCalls(backend)).toHaveLength(5);
    expect(backend.requests.filter((r) => r.path.startsWith('/connect'))).toHaveLength(0);
  });

  it('answers 500 for a result over 8 KB and for an authorizer slower than its timeout', async () => {
    await using backend = await authorizerBackend();
    await using gateway = await startTestGateway(
      requestAuthorizerConfig(backend, { type: 'REQUEST', uri: `${backend.url}/authorize`, timeoutMs: 100 }),
    );
    expect(await refusedStatus(gateway.url('dev', 'token=huge'))).toMatchObject({ status: 500 });
    expect(await refusedStatus(gateway.url('dev', 'token=slow'))).toMatchObject({ status: 500 });
    expect(backend.requests.filter((r) => r.path.startsWith('/connect'))).toHaveLength(0);
  });

  it('answers 500 when the authorizer cannot be reached', async () => {
    await using backend = await authorizerBackend();
    await using gateway = await startTestGateway(
      requestAuthorizerConfig(backend, { type: 'REQUEST', uri: 'http://127.0.0.1:1/authorize' }),
    );
    expect(await refusedStatus(gateway.url('dev'))).toMatchObject({ status: 500 });
  });

  it('sends the AWS authorizer input and passes the context to $connect, messages and $disconnect', async () => {
    await using backend = await authorizerBackend();
    await using gateway = await startTestGateway({
      ...requestAuthorizerConfig(backend, {
        type: 'REQUEST',
        uri: `${backend.url}/authorize`,
        identitySource: ['route.request.querystring.token', 'stageVariables.env', 'context.stage'],
      }),
      api: { stageVariables: { dev: { env: 'test' } }, apiId: 'abcdef123', region: 'eu-west-1' },
    });
    const client = await connectClient(gateway.url('dev', 'token=allow'), undefined, {
      headers: { HeaderAuth1: 'headerValue1' },
    });

    const input = JSON.parse((await backend.next('/authorize')).body.toString()) as Record<string, unknown>;
    expect(input).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abcdef123/dev/$connect',
      queryStringParameters: { token: 'allow' },
      multiValueQueryStringParameters: { token: ['allow'] },
      stageVariables: { env: 'test' },
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT',
        messageDirection: 'IN',
        stage: 'dev',
        apiId: 'abcdef123',
      },
    });
    // Header names keep the client's case, as AWS sends them.
    expect(input.headers).toMatchObject({
      HeaderAuth1: 'headerValue1',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
    });
    expect(input.multiValueHeaders).toMatchObject({ HeaderAuth1: ['headerValue1'] });

    const connect = await backend.next('/connect');
    expect(connect.headers['x-user']).toBe('u-42');
    expect(connect.headers['x-principal']).toBe('user-1');

    client.send('hello');
    expect(await client.next()).toBe('hello');
    expect((await backend.next('/message')).headers['x-user']).toBe('u-42');
    await client.close();
    expect((await backend.next('/disconnect')).headers['x-user']).toBe('u-42');

    const [connection] = [...gateway.gateway.registry.values()];
    expect(connection).toBeUndefined();
  });

  it('keeps the context on Connection.authorizer, and accepts a wildcard policy resource', async () => {
    await using backend = await authorizerBackend();
    await using gateway = await startTestGateway(
      requestAuthorizerConfig(backend, { type: 'REQUEST', uri: `${backend.url}/authorize` }),
    );
    await using client = await connectClient(gateway.url('dev', 'token=wildcard'));
    client.send('x');
    await client.next();
    const [connection] = [...gateway.gateway.registry.values()];
    expect(connection?.authorizer).toMatchObject({ principalId: 'user-2', context: {} });
    expect(connection?.authorizer?.integrationLatency).toBeGreaterThanOrEqual(0);
  });
});

describe('REQUEST authorizer as a Lambda module', () => {
  const codeDir = fileURLToPath(new URL('./fixtures', import.meta.url));

  it('allows with the context, maps a thrown "Unauthorized" to 401 and other errors to 500', async () => {
    await using backend = await authorizerBackend();
    await using gateway = await startTestGateway(
      requestAuthorizerConfig(backend, {
        type: 'REQUEST',
        handler: 'authorizer.handler',
        codeDir,
        identitySource: ['route.request.querystring.token'],
      }),
    );
    expect(await refusedStatus(gateway.url('dev', 'token=bad'))).toEqual({
      status: 401,
      body: '{"message":"Unauthorized"}',
    });
    expect(await refusedStatus(gateway.url('dev', 'token=worse'))).toMatchObject({ status: 500 });
    await using client = await connectClient(gateway.url('dev', 'token=good'));
    expect((await backend.next('/connect')).headers['x-principal']).toBe('lambda-user');
    client.send('ping');
    expect(await client.next()).toBe('ping');
    const [connection] = [...gateway.gateway.registry.values()];
    expect(connection?.authorizer?.context).toEqual({ source: 'lambda', stage: 'dev' });
  });
});

describe('JWT authorizer', () => {
  const secret = 'a-test-secret-that-is-long-enough-for-hs256';
  const sign = (
    claims: Record<string, unknown>,
    options: { issuer?: string; audience?: string; expiresIn?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer(options.issuer ?? 'https://issuer.test')
      .setAudience(options.audience ?? 'switchboard')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(new TextEncoder().encode(secret));

  async function jwtGateway(backend: TestBackend) {
    return startTestGateway({
      authorizers: { jwt: { type: 'JWT', secret, issuer: 'https://issuer.test', audience: ['switchboard'] } },
      integrations: {
        connect: {
          uri: `${backend.url}/connect`,
          requestParameters: {
            'integration.request.header.x-sub': 'context.authorizer.principalId',
            'integration.request.header.x-role': 'context.authorizer.role',
          },
        },
        message: { uri: `${backend.url}/message` },
      },
      routes: {
        $connect: { integration: 'connect', authorizationType: 'JWT', authorizer: 'jwt' },
        $default: { integration: 'message', twoWay: true },
      },
    });
  }

  it('accepts a token in the query string and refuses missing, expired, foreign and tampered tokens with 401', async () => {
    await using backend = await authorizerBackend();
    await using gateway = await jwtGateway(backend);
    const token = await sign({ role: 'admin' });
    await using client = await connectClient(gateway.url('dev', `token=${token}`));
    const connect = await backend.next('/connect');
    expect(connect.headers['x-sub']).toBe('alice');
    expect(connect.headers['x-role']).toBe('admin');
    client.send('hi');
    expect(await client.next()).toBe('hi');

    expect(await refusedStatus(gateway.url('dev'))).toMatchObject({ status: 401 });
    expect(
      await refusedStatus(gateway.url('dev', `token=${await sign({}, { expiresIn: '-1m' })}`)),
    ).toMatchObject({ status: 401 });
    expect(
      await refusedStatus(gateway.url('dev', `token=${await sign({}, { audience: 'someone-else' })}`)),
    ).toMatchObject({ status: 401 });
    expect(
      await refusedStatus(gateway.url('dev', `token=${await sign({}, { issuer: 'https://evil.test' })}`)),
    ).toMatchObject({ status: 401 });
    expect(await refusedStatus(gateway.url('dev', `token=${token.slice(0, -3)}abc`))).toMatchObject({
      status: 401,
    });
  });

  it('takes the token from Sec-WebSocket-Protocol and echoes the other offered protocol, not the token', async () => {
    await using backend = await authorizerBackend();
    await using gateway = await jwtGateway(backend);
    const token = await sign({ role: 'reader' });
    await using client = await connectClient(gateway.url('dev'), ['chat.v1', `bearer.${token}`]);
    expect(client.ws.protocol).toBe('chat.v1');
    expect((await backend.next('/connect')).headers['x-role']).toBe('reader');
    await using only = await connectClient(gateway.url('dev'), [`bearer.${token}`]);
    expect(only.ws.protocol).toBe(`bearer.${token}`);
  });

  it('verifies tokens against a static PEM public key', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await using backend = await authorizerBackend();
    await using gateway = await startTestGateway({
      authorizers: {
        jwt: {
          type: 'JWT',
          publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          algorithms: ['RS256'],
        },
      },
      integrations: { connect: { uri: `${backend.url}/connect` } },
      routes: { $connect: { integration: 'connect', authorizer: 'jwt' } },
    });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('dave')
      .setExpirationTime('5m')
      .sign(privateKey);
    await using client = await connectClient(gateway.url(), undefined, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect(await refusedStatus(gateway.url('dev', `token=${await sign({})}`))).toMatchObject({ status: 401 });
  });

  it('verifies tokens against a JWKS URL', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    await using jwks = await startTestBackend((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await using backend = await authorizerBackend();
    await using gateway = await startTestGateway({
      authorizers: {
        jwt: { type: 'JWT', jwksUri: `${jwks.url}/.well-known/jwks.json`, issuer: 'https://issuer.test' },
      },
      integrations: { connect: { uri: `${backend.url}/connect` } },
      routes: { $connect: { integration: 'connect', authorizationType: 'JWT', authorizer: 'jwt' } },
    });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('bob')
      .setIssuer('https://issuer.test')
      .setExpirationTime('5m')
      .sign(privateKey);
    await using client = await connectClient(gateway.url('dev', `token=${token}`));
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect(await refusedStatus(gateway.url('dev', `token=${await sign({})}`))).toMatchObject({ status: 401 });
  });
});

describe('authorizer configuration', () => {
  const messages = (input: unknown): string => {
    const result = configSchema.safeParse(input);
    return result.success
      ? ''
      : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n');
  };
  const integrations = { backend: { uri: 'http://127.0.0.1:1/x' } };

  it('allows authorization only on $connect, and only with a known authorizer of the matching type', () => {
    const authorizers = {
      jwt: { type: 'JWT', secret: 'a-secret' },
      req: { type: 'REQUEST', uri: 'http://127.0.0.1:1/auth' },
    };
    expect(
      messages({
        integrations,
        authorizers,
        routes: { $default: { integration: 'backend', authorizer: 'jwt' } },
      }),
    ).toContain('routes.$default.authorizer: authorization can be set only on $connect');
    expect(
      messages({
        integrations,
        authorizers,
        routes: { $connect: { integration: 'backend', authorizer: 'nope' } },
      }),
    ).toContain('unknown authorizer "nope"');
    expect(
      messages({
        integrations,
        authorizers,
        routes: { $connect: { integration: 'backend', authorizer: 'jwt', authorizationType: 'CUSTOM' } },
      }),
    ).toContain('use authorizationType JWT');
    expect(
      messages({
        integrations,
        authorizers,
        routes: { $connect: { integration: 'backend', authorizer: 'req', authorizationType: 'CUSTOM' } },
      }),
    ).toBe('');
  });

  it('takes no authorizer for AWS_IAM, and needs access keys for it', () => {
    expect(
      messages({
        integrations,
        routes: { $connect: { integration: 'backend', authorizationType: 'AWS_IAM' } },
      }),
    ).toContain('AWS_IAM needs admin.auth.accessKeys');
    expect(
      messages({
        integrations,
        authorizers: { jwt: { type: 'JWT', secret: 's' } },
        admin: { auth: { accessKeys: { AK: 'SK' } } },
        routes: { $connect: { integration: 'backend', authorizationType: 'AWS_IAM', authorizer: 'jwt' } },
      }),
    ).toContain('AWS_IAM takes no authorizer');
    expect(
      messages({
        integrations,
        admin: { auth: { accessKeys: { AK: 'SK' } } },
        routes: { $connect: { integration: 'backend', authorizationType: 'AWS_IAM' } },
      }),
    ).toBe('');
  });

  it('needs exactly one way to run a REQUEST authorizer and one key for a JWT authorizer', () => {
    expect(messages({ authorizers: { a: { type: 'REQUEST' } } })).toContain(
      'exactly one of uri (HTTP) or handler',
    );
    expect(messages({ authorizers: { a: { type: 'JWT' } } })).toContain(
      'exactly one of jwksUri, publicKey or secret',
    );
    expect(
      messages({
        authorizers: { a: { type: 'REQUEST', uri: 'http://x/a', identitySource: ['header.Auth'] } },
      }),
    ).toContain('authorizers.a.identitySource.0');
  });

  it('refuses to start with a JWT public key that is not PEM', async () => {
    await expect(
      startTestGateway({
        authorizers: { jwt: { type: 'JWT', publicKey: 'not a key' } },
        integrations,
        routes: { $connect: { integration: 'backend', authorizer: 'jwt' } },
      }),
    ).rejects.toMatchObject({
      code: 'SWB_ERR_CONFIG_INVALID',
      message: expect.stringContaining('authorizers.jwt.publicKey') as unknown,
    });
  });
});
