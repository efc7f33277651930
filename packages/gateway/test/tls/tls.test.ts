/**
 * TLS on both listeners with a self-signed certificate made by `openssl req -x509` in a temp dir:
 * `wss://` clients, the management API over `https://` with the AWS SDK, the management API served
 * on the client listener (`https://{domainName}/{stage}/@connections`), and clear startup errors.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type SecureVersion } from 'node:tls';
import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';

let dir = '';
let certFile = '';
let keyFile = '';
let cert = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-tls-'));
  certFile = join(dir, 'cert.pem');
  keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    {
      stdio: 'pipe',
      timeout: 20_000,
    },
  );
  cert = execFileSync('cat', [certFile], { encoding: 'utf8' });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS listeners', () => {
  it('serves wss:// clients and https:// management to the AWS SDK', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), tls: { certFile, keyFile } });
    expect(gateway.clientUrl.startsWith('wss://')).toBe(true);
    expect(gateway.managementEndpoint.startsWith('https://')).toBe(true);

    await using client = await connectClient(`wss://127.0.0.1:${gateway.clientPort}/dev`, undefined, {
      ca: cert,
    });
    const connect = await backend.next('/connect');
    expect(connect.headers['x-forwarded-proto']).toBe('https');
    expect(String(connect.headers['x-switchboard-management-url'])).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+\/dev$/,
    );
    client.send('over tls');
    expect(await client.next()).toBe('over tls');

    const id = String(connect.headers['x-switchboard-connection-id']);
    const sdk = new ApiGatewayManagementApiClient({
      endpoint: gateway.managementEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
      requestHandler: { httpsAgent: new Agent({ ca: cert }) },
    });
    expect(
      (await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'pushed over https' }))).$metadata
        .httpStatusCode,
    ).toBe(200);
    expect(await client.next()).toBe('pushed over https');
  });

  it('refuses TLS 1.1 and plain-text clients', async () => {
    await using gateway = await startTestGateway({ tls: { certFile, keyFile } });
    const handshake = (maxVersion: SecureVersion) =>
      new Promise<string>((resolve, reject) => {
        // SECLEVEL=0 lets this client offer TLS 1.1 at all, so a refusal comes from the server.
        const socket = tlsConnect(
          {
            host: '127.0.0.1',
            port: gateway.clientPort,
            ca: cert,
            minVersion: 'TLSv1',
            maxVersion,
            ciphers: 'DEFAULT@SECLEVEL=0',
          },
          () => {
            resolve(socket.getProtocol() ?? '');
            socket.end();
          },
        );
        socket.on('error', reject);
      });
    expect(await handshake('TLSv1.2')).toBe('TLSv1.2');
    await expect(handshake('TLSv1.1')).rejects.toThrow();
    await expect(connectClient(`ws://127.0.0.1:${gateway.clientPort}/dev`)).rejects.toThrow();
  });

  it('serves the management API on the client listener when authentication is on', async () => {
    const token = 'client-listener-token-0123456789';
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({
      ...routesTo(backend.url),
      tls: { certFile, keyFile },
      admin: { onClientListener: true, auth: { mode: 'bearer', bearerTokens: [token] } },
    });
    await using client = await connectClient(`wss://127.0.0.1:${gateway.clientPort}/dev`, undefined, {
      ca: cert,
    });
    const id = String((await backend.next('/connect')).headers['x-switchboard-connection-id']);
    const agent = new Agent({ ca: cert });
    const url = `https://127.0.0.1:${gateway.clientPort}/dev/@connections/${encodeURIComponent(id)}`;
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpsRequest(
        url,
        { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-length': '9' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end('same host');
    });
    expect(status).toBe(200);
    expect(await client.next()).toBe('same host');
    const sdk = new ApiGatewayManagementApiClient({
      endpoint: `https://127.0.0.1:${gateway.clientPort}/dev`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
      requestHandler: { httpsAgent: agent },
    });
    await expect(sdk.send(new GetConnectionCommand({ ConnectionId: id }))).rejects.toMatchObject({
      name: 'ForbiddenException',
    });
    // Other plain requests still get the 426 hint.
    const plain = await new Promise<number>((resolve, reject) => {
      httpsRequest(`https://127.0.0.1:${gateway.clientPort}/dev`, { agent }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(plain).toBe(426);
  });

  it.each(['off', 'any-signature'] as const)(
    'refuses the management API on the client listener with admin.auth.mode %s, which checks no secret',
    (mode) => {
      const result = configSchema.safeParse({ admin: { onClientListener: true, auth: { mode } } });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['admin.onClientListener']);
      expect(result.error?.issues[0]?.message).toBe(
        `serving the management API on the client listener requires admin.auth.mode "verify" or "bearer": it is "${mode}", which checks no secret, and the client listener faces the internet`,
      );
    },
  );

  it('accepts the management API on the client listener with verify or bearer', () => {
    expect(
      configSchema.safeParse({ admin: { onClientListener: true, auth: { mode: 'verify', accessKeys: { AKID: 'secret' } } } })
        .success,
    ).toBe(true);
    expect(
      configSchema.safeParse({ admin: { onClientListener: true, auth: { mode: 'bearer', bearerTokens: ['0123456789abcdef'] } } })
        .success,
    ).toBe(true);
  });

  it('fails to start with SWB_ERR_TLS for an unreadable or non-PEM certificate', async () => {
    await expect(
      startTestGateway({ tls: { certFile: join(dir, 'missing.pem'), keyFile } }),
    ).rejects.toMatchObject({ code: 'SWB_ERR_TLS' });
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    await expect(startTestGateway({ tls: { certFile: junk, keyFile } })).rejects.toMatchObject({
      code: 'SWB_ERR_TLS',
    });
    await expect(startTestGateway({ tls: { certFile: keyFile, keyFile } })).rejects.toMatchObject({
      code: 'SWB_ERR_TLS',
    });
  });
});
