// A local Lambda handler's unchanged management client, pointed at https://{domainName}/{stage} or
// https://{apiId}.execute-api.{region}.amazonaws.com/{stage}, reaches this gateway's management API
// (on its plain HTTP admin listener) with SigV4 verified against admin.auth.accessKeys; a wrong
// secret is refused there, which shows the signature really is checked.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectClient } from '../helpers/client.js';
import { startTestGateway } from '../helpers/gateway.js';

const codeDir = fileURLToPath(new URL('../fixtures/lambda-sdk/', import.meta.url));

async function gatewayWithSecret(secret: string) {
  return startTestGateway({
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

  it('are refused by the management API when signed with a wrong secret', async () => {
    await using gateway = await gatewayWithSecret('a-wrong-secret');
    await using client = await connectClient(gateway.url('prod'));
    client.send(JSON.stringify({ via: 'domain' }));
    expect(await client.next()).toBe('refused: ForbiddenException');
  });
});
