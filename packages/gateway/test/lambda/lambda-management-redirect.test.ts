// A local Lambda handler's unchanged management client, pointed at https://{domainName}/{stage} or
// https://{apiId}.execute-api.{region}.amazonaws.com/{stage}, reaches this gateway's management API
// (on its plain HTTP admin listener, or over TLS when the admin listener has it, with a self-signed
// certificate made by `openssl req -x509`) with SigV4 verified against admin.auth.accessKeys; a wrong
// secret is refused there, which shows the signature really is checked.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClient } from '../helpers/client.js';
import { startTestGateway } from '../helpers/gateway.js';

const codeDir = fileURLToPath(new URL('../fixtures/lambda-sdk/', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'swb-redirect-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate for the admin listener. */
function selfSigned(): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'pipe', timeout: 20_000 },
  );
  return { certFile, keyFile };
}

async function gatewayWithSecret(secret: string, adminTls = false) {
  return startTestGateway({
    ...(adminTls ? { tls: { ...selfSigned(), listeners: 'admin' as const } } : {}),
    api: { apiId: 'abc123', region: 'eu-west-1', domainName: 'Chat.Example.com', stages: ['prod'] },
    admin: { auth: { mode: 'verify', accessKeys: { AKIDLOCALTEST: 'the-right-secret' } } },
    functions: {
      redirect: {
        codeDir,
        handler: 'redirect.handler',
        timeoutMs: 15_000,
        environment: { AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST', AWS_SECRET_ACCESS_KEY: secret },
      },
    },
    integrations: { redirect: { type: 'AWS_PROXY', function: 'redirect' } },
    routes: { $default: { integration: 'redirect', twoWay: true } },
  });
}

describe('management calls of a local handler', () => {
  it.each([
    ['the API domain name', 'domain', 'via Chat.Example.com'],
    ['the execute-api host name', 'execute-api', 'via abc123.execute-api.eu-west-1.amazonaws.com'],
  ])('reach the gateway through %s, SigV4 verified', async (_, via, pushed) => {
    await using gateway = await gatewayWithSecret('the-right-secret');
    await using client = await connectClient(gateway.url('prod'));
    client.send(JSON.stringify({ via }));
    expect(await client.next()).toBe(pushed);
    expect(await client.next()).toBe('posted');
  });

  it('reach an admin listener with TLS over TLS', async () => {
    await using gateway = await gatewayWithSecret('the-right-secret', true);
    expect(gateway.adminUrl).toMatch(/^https:/);
    await using client = await connectClient(gateway.url('prod'));
    client.send(JSON.stringify({ via: 'domain' }));
    expect(await client.next()).toBe('via Chat.Example.com');
    expect(await client.next()).toBe('posted');
  });

  it('are refused by the management API when signed with a wrong secret', async () => {
    await using gateway = await gatewayWithSecret('a-wrong-secret');
    await using client = await connectClient(gateway.url('prod'));
    client.send(JSON.stringify({ via: 'domain' }));
    expect(await client.next()).toBe('refused: ForbiddenException');
  });
});
