/**
 * Management API authentication with the real AWS JS SDK: SigV4 `verify` (credentials from the
 * configuration), tampered body and path, wrong keys and service, clock skew, `any-signature`, and
 * the bearer-token mode for non-AWS clients.
 */
import { createHash } from 'node:crypto';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
  type ApiGatewayManagementApiClientConfig,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ACCESS_KEY = 'AKIDSWITCHBOARDTEST';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function sdk(
  endpoint: string,
  overrides: Partial<ApiGatewayManagementApiClientConfig> = {},
): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    endpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
    maxAttempts: 1,
    ...overrides,
  });
}

/** Adds a middleware that changes the request after the SDK signed it. */
function tamperAfterSigning(
  client: ApiGatewayManagementApiClient,
  change: (request: { path: string; body?: unknown; headers: Record<string, string> }) => void,
): void {
  type Middleware = Parameters<ApiGatewayManagementApiClient['middlewareStack']['addRelativeTo']>[0];
  const tamper =
    (next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
      change(args.request as { path: string; body?: unknown; headers: Record<string, string> });
      return next(args);
    };
  // A finalizeRequest middleware; the SDK's union of middleware types needs the cast.
  client.middlewareStack.addRelativeTo(tamper as unknown as Middleware, {
    relation: 'after',
    toMiddleware: 'httpSigningMiddleware',
    name: 'tamper',
  });
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, status: failure.$metadata?.httpStatusCode };
  }
  throw new Error('the call succeeded');
}

async function gatewayWith(auth: NonNullable<ConfigInput['admin']>['auth']): Promise<{
  gateway: TestGateway;
  close: () => Promise<void>;
  connect: () => Promise<{ id: string; next: () => Promise<string>; close: () => Promise<void> }>;
}> {
  const backend = await startTestBackend();
  const gateway = await startTestGateway({ ...routesTo(backend.url), admin: { auth } });
  return {
    gateway,
    async connect() {
      const client = await connectClient(gateway.url());
      const id = String((await backend.next('/connect')).headers['x-switchboard-connection-id']);
      return { id, next: () => client.next(), close: () => client.close() };
    },
    async close() {
      await gateway.close();
      await backend.close();
    },
  };
}

describe('SigV4 verify mode with the AWS JS SDK', () => {
  it('accepts signed POST, GET and DELETE with keys from the configuration', async () => {
    const { gateway, connect, close } = await gatewayWith({
      mode: 'verify',
      accessKeys: { [ACCESS_KEY]: SECRET },
    });
    try {
      const client = await connect();
      const api = sdk(gateway.managementEndpoint);
      expect(
        (await api.send(new PostToConnectionCommand({ ConnectionId: client.id, Data: 'signed hello' })))
          .$metadata.httpStatusCode,
      ).toBe(200);
      expect(await client.next()).toBe('signed hello');
      expect((await api.send(new GetConnectionCommand({ ConnectionId: client.id }))).Identity?.SourceIp).toBe(
        '127.0.0.1',
      );
      expect(
        (await api.send(new DeleteConnectionCommand({ ConnectionId: client.id }))).$metadata.httpStatusCode,
      ).toBe(204);
      await client.close();
      expect(await errorOf(api.send(new GetConnectionCommand({ ConnectionId: client.id })))).toEqual({
        name: 'GoneException',
        status: 410,
      });
    } finally {
      await close();
    }
  });

  it('refuses a wrong secret, an unknown key, unsigned requests and a tampered body or path with 403 ForbiddenException', async () => {
    const { gateway, connect, close } = await gatewayWith({
      mode: 'verify',
      accessKeys: { [ACCESS_KEY]: SECRET },
    });
    try {
      const client = await connect();
      const forbidden = { name: 'ForbiddenException', status: 403 };
      const wrongSecret = sdk(gateway.managementEndpoint, {
        credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: 'not-the-secret' },
      });
      expect(
        await errorOf(wrongSecret.send(new PostToConnectionCommand({ ConnectionId: client.id, Data: 'x' }))),
      ).toEqual(forbidden);
      const unknownKey = sdk(gateway.managementEndpoint, {
        credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: SECRET },
      });
      expect(await errorOf(unknownKey.send(new GetConnectionCommand({ ConnectionId: client.id })))).toEqual(
        forbidden,
      );

      const tamperedBody = sdk(gateway.managementEndpoint);
      tamperAfterSigning(tamperedBody, (request) => {
        request.body = 'tampered';
        request.headers['content-length'] = '8';
      });
      expect(
        await errorOf(
          tamperedBody.send(new PostToConnectionCommand({ ConnectionId: client.id, Data: 'original' })),
        ),
      ).toEqual(forbidden);

      // The body hash is computed by the gateway, never trusted: a header that matches the new body does not help.
      const tamperedBodyAndHash = sdk(gateway.managementEndpoint);
      tamperAfterSigning(tamperedBodyAndHash, (request) => {
        request.body = 'tampered';
        request.headers['content-length'] = '8';
        request.headers['x-amz-content-sha256'] = createHash('sha256').update('tampered').digest('hex');
      });
      expect(
        await errorOf(
          tamperedBodyAndHash.send(
            new PostToConnectionCommand({ ConnectionId: client.id, Data: 'original' }),
          ),
        ),
      ).toEqual(forbidden);

      const tamperedPath = sdk(gateway.managementEndpoint);
      tamperAfterSigning(tamperedPath, (request) => {
        request.path = request.path.replace(client.id.slice(0, 4), 'AAAA');
      });
      expect(await errorOf(tamperedPath.send(new GetConnectionCommand({ ConnectionId: client.id })))).toEqual(
        forbidden,
      );

      const raw = await fetch(`${gateway.managementEndpoint}/@connections/${encodeURIComponent(client.id)}`);
      expect(raw.status).toBe(403);
      expect(raw.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
      expect(raw.headers.get('x-amzn-requestid')).not.toBeNull();
      expect(await raw.json()).toEqual({ message: 'Forbidden' });

      // Nothing above reached the client.
      expect(
        (
          await sdk(gateway.managementEndpoint).send(
            new PostToConnectionCommand({ ConnectionId: client.id, Data: 'only this' }),
          )
        ).$metadata.httpStatusCode,
      ).toBe(200);
      expect(await client.next()).toBe('only this');
    } finally {
      await close();
    }
  });

  it('allows 5 minutes of clock skew and refuses more', async () => {
    const { gateway, connect, close } = await gatewayWith({
      mode: 'verify',
      accessKeys: { [ACCESS_KEY]: SECRET },
    });
    try {
      const client = await connect();
      const slightlyOff = sdk(gateway.managementEndpoint, { systemClockOffset: -4 * 60_000 });
      expect(
        (await slightlyOff.send(new GetConnectionCommand({ ConnectionId: client.id }))).$metadata
          .httpStatusCode,
      ).toBe(200);
      const tooFarBehind = sdk(gateway.managementEndpoint, { systemClockOffset: -6 * 60_000 });
      expect(await errorOf(tooFarBehind.send(new GetConnectionCommand({ ConnectionId: client.id })))).toEqual(
        { name: 'ForbiddenException', status: 403 },
      );
      const tooFarAhead = sdk(gateway.managementEndpoint, { systemClockOffset: 6 * 60_000 });
      expect(await errorOf(tooFarAhead.send(new GetConnectionCommand({ ConnectionId: client.id })))).toEqual({
        name: 'ForbiddenException',
        status: 403,
      });
    } finally {
      await close();
    }
  });

  it('reads and verifies a signed body of exactly 128 KB, and answers PayloadTooLargeException above it', async () => {
    const { gateway, connect, close } = await gatewayWith({
      mode: 'verify',
      accessKeys: { [ACCESS_KEY]: SECRET },
    });
    try {
      const client = await connect();
      const api = sdk(gateway.managementEndpoint);
      const full = Buffer.alloc(131_072, 'a');
      expect(
        (await api.send(new PostToConnectionCommand({ ConnectionId: client.id, Data: full }))).$metadata
          .httpStatusCode,
      ).toBe(200);
      expect((await client.next()).length).toBe(131_072);
      expect(
        await errorOf(
          api.send(
            new PostToConnectionCommand({ ConnectionId: client.id, Data: Buffer.alloc(131_073, 'a') }),
          ),
        ),
      ).toEqual({
        name: 'PayloadTooLargeException',
        status: 413,
      });
    } finally {
      await close();
    }
  });

  it('takes the access keys from SWITCHBOARD_* environment variables', async () => {
    const fromEnv = await loadConfig({
      env: {
        SWITCHBOARD_ADMIN_AUTH_MODE: 'verify',
        SWITCHBOARD_ADMIN_AUTH_ACCESS_KEYS: JSON.stringify({ [ACCESS_KEY]: SECRET }),
      },
    });
    const { gateway, connect, close } = await gatewayWith(fromEnv.admin.auth);
    try {
      const client = await connect();
      expect(
        (await sdk(gateway.managementEndpoint).send(new GetConnectionCommand({ ConnectionId: client.id })))
          .$metadata.httpStatusCode,
      ).toBe(200);
    } finally {
      await close();
    }
  });

  it('pins the region when admin.auth.region is set', async () => {
    const { gateway, connect, close } = await gatewayWith({
      mode: 'verify',
      accessKeys: { [ACCESS_KEY]: SECRET },
      region: 'us-west-2',
    });
    try {
      const client = await connect();
      expect(
        await errorOf(
          sdk(gateway.managementEndpoint).send(new GetConnectionCommand({ ConnectionId: client.id })),
        ),
      ).toEqual({ name: 'ForbiddenException', status: 403 });
      expect(
        (
          await sdk(gateway.managementEndpoint, { region: 'us-west-2' }).send(
            new GetConnectionCommand({ ConnectionId: client.id }),
          )
        ).$metadata.httpStatusCode,
      ).toBe(200);
    } finally {
      await close();
    }
  });
});

describe('any-signature mode', () => {
  it('accepts any well-formed signature and refuses requests without one', async () => {
    const { gateway, connect, close } = await gatewayWith({ mode: 'any-signature' });
    try {
      const client = await connect();
      const anyKey = sdk(gateway.managementEndpoint, {
        credentials: { accessKeyId: 'anything', secretAccessKey: 'whatever' },
      });
      expect(
        (await anyKey.send(new PostToConnectionCommand({ ConnectionId: client.id, Data: 'any' }))).$metadata
          .httpStatusCode,
      ).toBe(200);
      expect(await client.next()).toBe('any');
      const response = await fetch(
        `${gateway.managementEndpoint}/@connections/${encodeURIComponent(client.id)}`,
        { method: 'POST', body: 'unsigned' },
      );
      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    } finally {
      await close();
    }
  });
});

describe('bearer mode', () => {
  it('accepts a configured token and refuses a missing or wrong one', async () => {
    const token = 'a-long-management-token-0123456789';
    const { gateway, connect, close } = await gatewayWith({ mode: 'bearer', bearerTokens: [token] });
    try {
      const client = await connect();
      const url = `${gateway.managementEndpoint}/@connections/${encodeURIComponent(client.id)}`;
      const ok = await fetch(url, {
        method: 'POST',
        body: 'with bearer',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(ok.status).toBe(200);
      expect(await client.next()).toBe('with bearer');
      expect((await fetch(url, { method: 'POST', body: 'x' })).status).toBe(403);
      const wrong = await fetch(url, {
        headers: { authorization: 'Bearer a-long-management-token-9999999999' },
      });
      expect(wrong.status).toBe(403);
      expect(wrong.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
      // Health probes stay open.
      expect((await fetch(`${gateway.adminUrl}/healthz`)).status).toBe(200);
    } finally {
      await close();
    }
  });
});
