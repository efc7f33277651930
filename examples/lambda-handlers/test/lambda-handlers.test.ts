/**
 * The Lambda-handlers app end to end, the way a user runs it: `switchboard gateway --config
 * template.yml` (a real process, stopped by pid) with the SAM template unchanged; a refused and an
 * accepted `$connect`, a two-way reply from the handler, a push from the handler's AWS SDK through
 * `@connections`, and `$disconnect` with its close code.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, refusedStatus } from '../../../packages/gateway/test/helpers/client.js';
import { freePort } from '../../../packages/gateway/test/helpers/cluster-services.js';
import { startCli, stopAllCliProcesses } from '../../../packages/cli/test/helpers/cli-process.js';

const template = fileURLToPath(new URL('../template.yml', import.meta.url));

afterEach(async () => {
  await stopAllCliProcesses();
});

describe('lambda handlers app', () => {
  it('runs the SAM template: $connect, a two-way reply, an SDK push and $disconnect', async () => {
    // The handlers' SDK needs the management endpoint in its environment before the gateway starts.
    const adminPort = await freePort();
    await using gateway = await startCli([
      'gateway',
      '--config',
      template,
      '--port',
      '0',
      '--admin-port',
      String(adminPort),
      '--param',
      `ManagementEndpoint=http://127.0.0.1:${adminPort}/dev`,
      '--set',
      'log.level=info',
    ]);
    const url = gateway.urls.clients;

    expect(await refusedStatus(url)).toMatchObject({ status: 401, body: 'add ?name=YOUR_NAME' });

    const client = await connectClient(`${url}?name=ada`);
    client.send('hello lambda');
    const frames = [await client.next(), await client.next()].sort();
    expect(frames[0]).toBe('pushed by echo-message');
    expect(JSON.parse(frames[1] ?? '')).toEqual({ routeKey: '$default', stage: 'dev', echo: 'hello lambda' });

    client.ws.close(1000, 'bye');
    await client.closed;
    await gateway.waitForLine(/disconnect \S+ 1000/);
    expect(gateway.stdout).toMatch(/connect \S+ as ada/);
  });
});
