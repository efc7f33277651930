// The admin listener without a secret (admin.auth.mode off or any-signature) against a web page in
// the operator's browser: a request naming a foreign Host (DNS rebinding) or coming from another
// Origin (CSRF) is refused with AWS's 403 shape and a reason code, and nothing reaches the client;
// the listener's own origin, loopback names, IP addresses, admin.allowedHosts, the AWS SDK and the
// read-only probes keep working, and with a secret (bearer) the checks are not needed.
import { request as httpRequest } from 'node:http';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { connectClient, type TestClient } from '../helpers/client.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** An HTTP request to the admin listener with any Host and Origin (fetch may not set Host). */
function adminRequest(port: number, method: string, path: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function openGateway(input: ConfigInput) {
  const backend = await startTestBackend();
  const gateway = await startTestGateway({ ...routesTo(backend.url), ...input });
  const client = await connectClient(gateway.url());
  const id = String((await backend.next('/connect')).headers['x-switchboard-connection-id']);
  return { backend, gateway, client, id, path: `/dev/@connections/${encodeURIComponent(id)}` };
}

describe('admin listener without a secret: DNS rebinding and CSRF', () => {
  let backend: TestBackend;
  let gateway: TestGateway;
  let client: TestClient;
  let path = '';
  let own = '';
  beforeAll(async () => {
    ({ backend, gateway, client, path } = await openGateway({}));
    own = `127.0.0.1:${gateway.adminPort}`;
  });
  afterAll(async () => {
    await client.close();
    await gateway.close();
    await backend.close();
  });

  /** Pushes `text` with the listener's own Host and expects it to be the next message: nothing refused got through before it. */
  async function nothingDeliveredBefore(text: string): Promise<void> {
    expect((await adminRequest(gateway.adminPort, 'POST', path, { host: own }, text)).status).toBe(200);
    expect(await client.next()).toBe(text);
  }

  it.each([['evil.example'], [`evil.example:${String(8081)}`], ['localhost.evil.example'], ['127.0.0.1.nip.io']])('refuses Host %s with 403 SWB_ERR_ADMIN_HOST_NOT_ALLOWED', async (host) => {
    const answer = await adminRequest(gateway.adminPort, 'POST', path, { host }, 'rebound');
    expect(answer.status).toBe(403);
    expect(answer.headers['x-amzn-errortype']).toBe('ForbiddenException');
    expect(answer.headers['x-switchboard-error-code']).toBe('SWB_ERR_ADMIN_HOST_NOT_ALLOWED');
    expect(answer.headers['content-type']).toBe('application/json');
    const { message } = JSON.parse(answer.body) as { message: string };
    expect(message).toContain('is not allowed');
    expect(message).toContain('admin.allowedHosts');
    expect((await adminRequest(gateway.adminPort, 'GET', path, { host })).status).toBe(403);
    await nothingDeliveredBefore(`after Host ${host}`);
  });

  it.each([['https://evil.example'], ['http://localhost:3000'], ['null'], [`http://127.0.0.1:1`]])('refuses Origin %s with 403 SWB_ERR_ADMIN_CROSS_ORIGIN', async (origin) => {
    const answer = await adminRequest(gateway.adminPort, 'POST', path, { host: own, origin }, 'forged');
    expect(answer.status).toBe(403);
    expect(answer.headers['x-amzn-errortype']).toBe('ForbiddenException');
    expect(answer.headers['x-switchboard-error-code']).toBe('SWB_ERR_ADMIN_CROSS_ORIGIN');
    expect((JSON.parse(answer.body) as { message: string }).message).toContain('CSRF');
    expect((await adminRequest(gateway.adminPort, 'DELETE', path, { host: own, origin })).status).toBe(403);
    await nothingDeliveredBefore(`after Origin ${origin}`);
  });

  it('accepts its own origin, loopback names and IP addresses, and requests without Host or Origin', async () => {
    const port = String(gateway.adminPort);
    const accepted: [string, Record<string, string>][] = [
      ['own origin', { host: own, origin: `http://${own}` }],
      ['localhost', { host: `localhost:${port}` }],
      ['localhost with its origin', { host: `localhost:${port}`, origin: `http://localhost:${port}` }],
      ['a .localhost name', { host: `dashboard.localhost:${port}` }],
      ['::1', { host: `[::1]:${port}` }],
      ['another address', { host: `10.0.0.5:${port}` }],
    ];
    for (const [name, headers] of accepted) {
      const answer = await adminRequest(gateway.adminPort, 'POST', path, headers, name);
      expect(answer.status, name).toBe(200);
      expect(await client.next()).toBe(name);
    }
  });

  it('keeps serving the AWS SDK', async () => {
    const sdk = new ApiGatewayManagementApiClient({ endpoint: gateway.managementEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    await sdk.send(new PostToConnectionCommand({ ConnectionId: decodeURIComponent(path.split('/').pop() ?? ''), Data: 'from the SDK' }));
    expect(await client.next()).toBe('from the SDK');
  });

  it('leaves health, readiness and metrics open to probes and scrapers whatever their Host', async () => {
    for (const probe of ['/healthz', '/readyz', '/metrics']) {
      expect((await adminRequest(gateway.adminPort, 'GET', probe, { host: 'switchboard-gateway.switchboard.svc:8081' })).status, probe).toBe(200);
    }
  });

  it('guards the dashboard too', async () => {
    expect((await adminRequest(gateway.adminPort, 'GET', '/', { host: 'evil.example' })).status).toBe(403);
    expect((await adminRequest(gateway.adminPort, 'GET', '/', { host: own })).status).toBe(200);
  });
});

describe('admin listener: allowed hosts and modes', () => {
  it('answers to admin.allowedHosts and the host of admin.publicUrl', async () => {
    const { backend, gateway, client, path } = await openGateway({ admin: { allowedHosts: ['gateway.internal', '.svc.cluster.local'], publicUrl: 'http://switchboard-admin:8081' } });
    try {
      for (const host of ['gateway.internal:8081', 'switchboard-gateway.switchboard.svc.cluster.local:8081', 'switchboard-admin:8081']) {
        expect((await adminRequest(gateway.adminPort, 'POST', path, { host }, host)).status, host).toBe(200);
        expect(await client.next()).toBe(host);
      }
      expect((await adminRequest(gateway.adminPort, 'POST', path, { host: 'cluster.local' }, 'x')).status).toBe(403);
    } finally {
      await client.close();
      await gateway.close();
      await backend.close();
    }
  });

  it('checks Host and Origin with any-signature (it checks no secret) before the signature', async () => {
    const { backend, gateway, client, path } = await openGateway({ admin: { auth: { mode: 'any-signature' } } });
    try {
      const answer = await adminRequest(gateway.adminPort, 'POST', path, { host: 'evil.example' }, 'x');
      expect(answer.headers['x-switchboard-error-code']).toBe('SWB_ERR_ADMIN_HOST_NOT_ALLOWED');
      const crossOrigin = await adminRequest(gateway.adminPort, 'POST', path, { host: `127.0.0.1:${String(gateway.adminPort)}`, origin: 'https://evil.example' }, 'x');
      expect(crossOrigin.headers['x-switchboard-error-code']).toBe('SWB_ERR_ADMIN_CROSS_ORIGIN');
      const unsigned = await adminRequest(gateway.adminPort, 'POST', path, { host: `127.0.0.1:${String(gateway.adminPort)}` }, 'x');
      expect(unsigned.headers['x-switchboard-error-code']).toBe('SWB_ERR_MANAGEMENT_AUTH');
    } finally {
      await client.close();
      await gateway.close();
      await backend.close();
    }
  });

  it('does not check Host or Origin when a secret is checked (bearer)', async () => {
    const token = 'admin-browser-token-0123456789';
    const { backend, gateway, client, path } = await openGateway({ admin: { auth: { mode: 'bearer', bearerTokens: [token] } } });
    try {
      const answer = await adminRequest(gateway.adminPort, 'POST', path, { host: 'gateway.example.com', origin: 'https://ops.example.com', authorization: `Bearer ${token}` }, 'with a secret');
      expect(answer.status).toBe(200);
      expect(await client.next()).toBe('with a secret');
    } finally {
      await client.close();
      await gateway.close();
      await backend.close();
    }
  });
});
