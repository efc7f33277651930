/**
 * `AuthorizationType: AWS_IAM` on `$connect`: upgrades signed by botocore (an independent SigV4
 * signer), presigned in the query string or in headers, are accepted with a known key; unsigned,
 * wrongly signed, tampered or expired upgrades get 403. Under CI=true a missing /usr/bin/python3 or
 * botocore fails the test; elsewhere it is skipped with the reason printed.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IamAuthorizer } from '../../src/auth/iam-authorizer.js';
import type { IntegrationEvent } from '../../src/integrations/integration-event.js';
import { startTestBackend } from '../helpers/backend.js';
import { boto3Unavailable, inCi, PYTHON } from '../helpers/boto3.js';
import { connectClient, refusedStatus } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';

const script = fileURLToPath(new URL('./sign_upgrade.py', import.meta.url));
const ACCESS_KEY = 'AKIDIAMTEST';
const SECRET = 'iam-test-secret-key';


// boto3 brings botocore, the signer this test uses.
const unavailable = boto3Unavailable();
if (unavailable !== undefined && !inCi) console.warn(`Skipping the AWS_IAM $connect test: ${unavailable}`);

function sign(
  url: string,
  mode: 'query' | 'header',
  secret = SECRET,
  expires = 300,
): Promise<{ url?: string; headers?: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [script, url, ACCESS_KEY, secret, mode, String(expires)],
      { timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as { url?: string; headers?: Record<string, string> });
      },
    );
  });
}

describe('AWS_IAM on $connect', () => {
  it.skipIf(unavailable !== undefined && !inCi)(
    'accepts upgrades signed with a known key and refuses the rest with 403',
    async () => {
      expect(unavailable, 'botocore is required under CI').toBeUndefined();
      await using backend = await startTestBackend();
      const { routes, integrations } = routesTo(backend.url);
      await using gateway = await startTestGateway({
        integrations,
        routes: { ...routes, $connect: { integration: 'connect', authorizationType: 'AWS_IAM' } },
        admin: { auth: { accessKeys: { [ACCESS_KEY]: SECRET } } },
      });
      const httpUrl = `http://127.0.0.1:${gateway.clientPort}/dev?room=blue`;
      const toWs = (url: string) => url.replace(/^http:/, 'ws:');

      const presigned = (await sign(httpUrl, 'query')).url ?? '';
      expect(presigned).toContain('X-Amz-Signature=');
      await using byQuery = await connectClient(toWs(presigned));
      byQuery.send('hi');
      expect(await byQuery.next()).toBe('hi');

      const headers = (await sign(httpUrl, 'header')).headers ?? {};
      await using byHeaders = await connectClient(toWs(httpUrl), undefined, {
        headers: { Authorization: headers.Authorization ?? '', 'X-Amz-Date': headers['X-Amz-Date'] ?? '' },
      });
      expect(byHeaders.ws.readyState).toBe(byHeaders.ws.OPEN);

      const forbidden = { status: 403, body: '{"message":"Forbidden"}' };
      expect(await refusedStatus(toWs(httpUrl))).toEqual(forbidden);
      expect(await refusedStatus(toWs((await sign(httpUrl, 'query', 'wrong-secret')).url ?? ''))).toEqual(
        forbidden,
      );
      expect(await refusedStatus(toWs(presigned.replace('room=blue', 'room=red')))).toEqual(forbidden);
      expect(await refusedStatus(toWs(presigned.replace('/dev?', '/prod?')))).toMatchObject({ status: 403 });
      expect(backend.requests.filter((r) => r.path.startsWith('/connect'))).toHaveLength(2);

      // Expiry, on the authorizer's own clock: valid within X-Amz-Expires, refused after.
      const shortLived = new URL((await sign(httpUrl, 'query', SECRET, 60)).url ?? '');
      const signedAt = Date.parse(
        String(shortLived.searchParams.get('X-Amz-Date')).replace(
          /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
          '$1-$2-$3T$4:$5:$6Z',
        ),
      );
      const event = (rawQuery: string): IntegrationEvent => ({
        eventType: 'CONNECT',
        routeKey: '$connect',
        connectionId: 'R1kmxc2VNjMCFIA=',
        stage: 'dev',
        connectedAt: signedAt,
        requestId: 'R1knPH17NjMFftw=',
        requestTimeEpoch: signedAt,
        managementUrl: '',
        handshake: {
          headers: { host: shortLived.host },
          rawQuery,
          rawPath: '/dev',
          sourceIp: '127.0.0.1',
          userAgent: '',
          forwardedFor: '127.0.0.1',
        },
      });
      const at = (ms: number) =>
        new IamAuthorizer({
          accessKeys: { [ACCESS_KEY]: SECRET },
          clockSkewMs: 300_000,
          region: undefined,
          now: () => ms,
        });
      const query = shortLived.search.slice(1);
      expect(await at(signedAt + 59_000).authorize(event(query))).toEqual({ allowed: true });
      expect(await at(signedAt + 61_000).authorize(event(query))).toMatchObject({
        allowed: false,
        status: 403,
      });
    },
  );
});
