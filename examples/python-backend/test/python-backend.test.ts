/**
 * The Python standard-library backend (backend.py, run with /usr/bin/python3) end to end through a
 * real gateway: $connect accepted and refused, a two-way reply, a push through the management API
 * from Python, and $disconnect with its close code. The Python process is stopped by pid.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient } from '../../../packages/gateway/test/helpers/client.js';
import { startTestGateway } from '../../../packages/gateway/test/helpers/gateway.js';
import { spawnProcess, stopAllCliProcesses } from '../../../packages/cli/test/helpers/cli-process.js';

const PYTHON = '/usr/bin/python3';
const backendScript = fileURLToPath(new URL('../backend.py', import.meta.url));
const missing = existsSync(PYTHON) ? undefined : `${PYTHON} is missing`;
if (missing !== undefined && process.env.CI === 'true') throw new Error(missing);

afterEach(async () => {
  await stopAllCliProcesses();
});

describe.skipIf(missing !== undefined)(
  `python backend${missing === undefined ? '' : ` (skipped: ${missing})`}`,
  () => {
    it('serves $connect, replies, pushes through the management API and sees $disconnect', async () => {
      const python = spawnProcess(PYTHON, [backendScript, '--port', '0']);
      const [, backendUrl] = await python.waitForLine(/^listening on (http:\/\/\S+)$/);
      await using gateway = await startTestGateway({
        routes: {
          $connect: { integration: 'connect' },
          $disconnect: { integration: 'disconnect' },
          $default: { integration: 'message', twoWay: true },
          shout: { integration: 'shout' },
        },
        integrations: {
          connect: { uri: `${String(backendUrl)}/connect` },
          disconnect: { uri: `${String(backendUrl)}/disconnect` },
          message: { uri: `${String(backendUrl)}/message` },
          shout: { uri: `${String(backendUrl)}/shout` },
        },
      });

      await expect(connectClient(gateway.url('dev', 'reject=1'))).rejects.toMatchObject({
        status: 403,
        body: '{"message":"not welcome"}',
      });

      const client = await connectClient(gateway.url('dev'));
      const [, connectionId] = await python.waitForLine(/^connect (\S+)$/);
      expect(gateway.gateway.registry.get(String(connectionId))).toBeDefined();

      client.send('hello');
      expect(await client.next()).toBe('python says: hello');

      client.send(JSON.stringify({ action: 'shout', data: 'from python' }));
      expect(await client.next()).toBe('FROM PYTHON');
      await python.waitForLine(new RegExp(`^pushed ${escape(String(connectionId))} 200$`));

      client.ws.close(1000, 'bye');
      await client.closed;
      await python.waitForLine(new RegExp(`^disconnect ${escape(String(connectionId))} 1000$`));
    });
  },
);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
