/**
 * The management API through boto3 (the Python SDK): post, get, delete, then GoneException, run by
 * boto3_management.py against an in-process gateway. Under CI=true a missing /usr/bin/python3 or
 * boto3 fails the test; elsewhere the test is skipped with the reason printed.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { boto3Unavailable, inCi, PYTHON } from '../../gateway/test/helpers/boto3.js';
import { startTestBackend } from '../../gateway/test/helpers/backend.js';
import { connectClient } from '../../gateway/test/helpers/client.js';
import { routesTo, startTestGateway } from '../../gateway/test/helpers/gateway.js';
import { runProcess, stopAllCliProcesses } from './helpers/cli-process.js';

const script = fileURLToPath(new URL('./boto3_management.py', import.meta.url));


const unavailable = boto3Unavailable();
if (unavailable !== undefined && !inCi)
  console.warn(`Skipping the boto3 management API test: ${unavailable}`);

interface Boto3Results {
  post: number;
  get: {
    status: number;
    ConnectedAt: string;
    LastActiveAt: string;
    Identity: { SourceIp: string; UserAgent: string };
  };
  delete: number;
  postAfterDelete: { code: string; status: number } | string;
}

afterEach(async () => {
  await stopAllCliProcesses();
});

describe('management API through boto3', () => {
  it.skipIf(unavailable !== undefined && !inCi)(
    'posts to, gets and deletes a connection, then raises GoneException',
    async () => {
      expect(unavailable, 'boto3 is required under CI').toBeUndefined();
      await using backend = await startTestBackend();
      await using gateway = await startTestGateway(routesTo(backend.url));
      await using client = await connectClient(gateway.url(), undefined, {
        headers: { 'User-Agent': 'switchboard-boto3-test/1.0' },
      });
      const id = String((await backend.next('/connect')).headers['x-switchboard-connection-id']);

      const run = await runProcess(PYTHON, [script, gateway.managementEndpoint, id], {
        env: {
          // Nothing from the machine's AWS setup or proxies may change what boto3 sends.
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_EC2_METADATA_DISABLED: 'true',
          NO_PROXY: '127.0.0.1',
          no_proxy: '127.0.0.1',
        },
      });
      expect(run, run.stderr).toMatchObject({ code: 0, signal: null });
      const results = JSON.parse(run.stdout) as Boto3Results;

      expect(results.post).toBe(200);
      expect(await client.next()).toBe('from boto3');

      expect(results.get.status).toBe(200);
      expect(results.get.Identity).toEqual({
        SourceIp: '127.0.0.1',
        UserAgent: 'switchboard-boto3-test/1.0',
      });
      const connectedAt = Date.parse(results.get.ConnectedAt);
      expect(connectedAt).not.toBeNaN();
      expect(Math.abs(Date.now() - connectedAt)).toBeLessThan(60_000);
      expect(Date.parse(results.get.LastActiveAt)).toBeGreaterThanOrEqual(connectedAt);

      expect(results.delete).toBe(204);
      expect((await client.closed).code).toBe(1000);
      expect((await backend.next('/disconnect')).headers['x-switchboard-connection-id']).toBe(id);

      expect(results.postAfterDelete).toEqual({ code: 'GoneException', status: 410 });
    },
  );
});
