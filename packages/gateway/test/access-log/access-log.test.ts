/**
 * Access logs end to end: AWS's typical JSON format rendered once per `$connect`, message and
 * `$disconnect`, written to a file, with status, integration status, authorizer context and the
 * throttle error.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';

const FORMAT =
  '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","caller":"$context.identity.caller","eventType":"$context.eventType","routeKey":"$context.routeKey","status":"$context.status","integrationStatus":"$context.integrationStatus","connectionId":"$context.connectionId","user":"$context.authorizer.principalId","error":"$context.error.message","domain":"$context.domainName","apiId":"$context.apiId"}';

describe('access logs', () => {
  it('writes one rendered line per event to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-access-'));
    const file = join(dir, 'access.log');
    try {
      await using backend = await startTestBackend();
      const secret = 'access-log-test-secret-long-enough';
      const gateway = await startTestGateway({
        ...routesTo(backend.url),
        api: { domainName: 'ws.example.test', apiId: 'abc123' },
        authorizers: { jwt: { type: 'JWT', secret } },
        routes: { ...routesTo(backend.url).routes, $connect: { integration: 'connect', authorizer: 'jwt' } },
        throttling: { messages: { rateLimit: 0.001, burstLimit: 1 } },
        accessLog: { format: FORMAT, destination: file },
      });
      const { SignJWT } = await import('jose');
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('carol')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
      const client = await connectClient(gateway.url('dev', `token=${token}`));
      client.send('hello');
      expect(await client.next()).toBe('hello');
      client.send('too many');
      expect(await client.next()).toContain('Too Many Requests');
      await client.close();
      await backend.next('/disconnect');
      await gateway.close();

      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, string>);
      expect(lines.map((line) => [line.eventType, line.routeKey, line.status, line.error])).toEqual([
        ['CONNECT', '$connect', '200', '-'],
        ['MESSAGE', '$default', '200', '-'],
        ['MESSAGE', '$default', '429', 'Too Many Requests'],
        ['DISCONNECT', '$disconnect', '200', '-'],
      ]);
      for (const line of lines)
        expect(line).toMatchObject({
          ip: '127.0.0.1',
          caller: '-',
          user: 'carol',
          domain: 'ws.example.test',
          apiId: 'abc123',
        });
      expect(lines[1]?.integrationStatus).toBe('200');
      expect(new Set(lines.map((line) => line.connectionId)).size).toBe(1);
      expect(new Set(lines.map((line) => line.requestId)).size).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
