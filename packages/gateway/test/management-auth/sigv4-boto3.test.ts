/**
 * SigV4 `verify` mode with boto3 (the Python SDK), which signs only host and x-amz-date and sends no
 * x-amz-content-sha256, so the gateway must hash the body itself. Under CI=true a missing
 * /usr/bin/python3 or boto3 fails the test; elsewhere it is skipped with the reason printed.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { boto3Unavailable, inCi, PYTHON } from '../helpers/boto3.js';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';

const script = fileURLToPath(new URL('./boto3_sigv4.py', import.meta.url));


const unavailable = boto3Unavailable();
if (unavailable !== undefined && !inCi) console.warn(`Skipping the boto3 SigV4 test: ${unavailable}`);

function runPython(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      PYTHON,
      args,
      {
        timeout: 30_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_EC2_METADATA_DISABLED: 'true',
          NO_PROXY: '127.0.0.1',
          no_proxy: '127.0.0.1',
        },
      },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : (child.exitCode ?? 1), stdout, stderr });
      },
    );
  });
}

describe('SigV4 verify mode with boto3', () => {
  it.skipIf(unavailable !== undefined && !inCi)(
    'accepts boto3 signatures (body hashed by the gateway) and refuses a wrong secret',
    async () => {
      expect(unavailable, 'boto3 is required under CI').toBeUndefined();
      const accessKey = 'AKIDBOTO3TEST';
      const secret = 'boto3-secret-key-for-switchboard-tests';
      await using backend = await startTestBackend();
      await using gateway = await startTestGateway({
        ...routesTo(backend.url),
        admin: { auth: { mode: 'verify', accessKeys: { [accessKey]: secret } } },
      });
      await using client = await connectClient(gateway.url());
      const id = String((await backend.next('/connect')).headers['x-switchboard-connection-id']);
      const run = await runPython([script, gateway.managementEndpoint, id, accessKey, secret]);
      expect(run, run.stderr).toMatchObject({ code: 0 });
      expect(JSON.parse(run.stdout)).toEqual({
        post: 200,
        get: 200,
        wrongSecret: { code: 'ForbiddenException', status: 403 },
      });
      expect(await client.next()).toBe('signed by boto3');
    },
  );
});
