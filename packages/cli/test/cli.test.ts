/**
 * The `switchboard` command's conventions, on the real process: help, exit codes (0 ok, 2 usage,
 * 78 configuration), every configuration problem reported with its path, CloudFormation templates
 * served and imported, `backend` and `gateway --config` serving, and SWITCHBOARD_* over the file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend } from '../../gateway/test/helpers/backend.js';
import { connectClient, refusedStatus } from '../../gateway/test/helpers/client.js';
import { runCli, spawnCli, startCli, stopAllCliProcesses } from './helpers/cli-process.js';

const EX_USAGE = 2;
const EX_CONFIG = 78;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-cli-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await stopAllCliProcesses();
});

/** Writes `text` to a new file in the temporary folder and returns its path. */
async function tempFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** Switchboard YAML routing $connect, $disconnect and $default (two-way) to `backendUrl`. */
function routesYaml(backendUrl: string): string {
  return `routes:
  $connect: { integration: connect }
  $disconnect: { integration: disconnect }
  $default:
    integration: message
    twoWay: true
integrations:
  connect: { uri: "${backendUrl}/connect" }
  disconnect: { uri: "${backendUrl}/disconnect" }
  message: { uri: "${backendUrl}/message" }
`;
}

describe('switchboard help and usage errors', () => {
  it('--help exits 0 and lists the commands', async () => {
    const run = await runCli(['--help']);
    expect(run).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(run.stdout).toMatch(/^Usage: switchboard <command>/);
    for (const command of ['up', 'gateway', 'backend'])
      expect(run.stdout).toMatch(new RegExp(`^ {2}${command}\\s`, 'm'));
  });

  it('exits 2 without a command, printing the usage', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(EX_USAGE);
    expect(run.stdout + run.stderr).toContain('Usage: switchboard <command>');
  });

  it('exits 2 with SWB_ERR_CLI_USAGE on an unknown command', async () => {
    const run = await runCli(['frobnicate']);
    expect(run.code).toBe(EX_USAGE);
    expect(run.stderr).toContain('SWB_ERR_CLI_USAGE');
    expect(run.stderr).toContain('"frobnicate"');
    expect(run.stdout).toBe('');
  });

  it.each([
    ['up', '--port', '0', '--admin-port', '0', '--backend-port', '0', '--bogus'],
    ['gateway', '--port', '0', '--admin-port', '0', '--bogus'],
    ['backend', '--port', '0', '--bogus'],
  ])('exits 2 with SWB_ERR_CLI_USAGE on an unknown flag: %s … --bogus', async (...args) => {
    const run = await runCli(args);
    expect(run.code).toBe(EX_USAGE);
    expect(run.stderr).toContain('SWB_ERR_CLI_USAGE');
    expect(run.stderr).toContain('--bogus');
  });
});

describe('switchboard gateway: configuration errors', () => {
  it('exits 78 with SWB_ERR_CONFIG_UNREADABLE when the file is missing', async () => {
    const missing = join(dir, 'missing.yml');
    const run = await runCli(['gateway', '--config', missing, '--port', '0', '--admin-port', '0']);
    expect(run.code).toBe(EX_CONFIG);
    expect(run.stderr).toContain('SWB_ERR_CONFIG_UNREADABLE');
    expect(run.stderr).toContain(missing);
    expect(run.stdout).not.toContain('Switchboard is running');
  });

  it('exits 78 and names every problem with its path', async () => {
    const file = await tempFile(
      'several-mistakes.yml',
      `listen:
  port: eighty
timeouts:
  idelMs: 5000
limits:
  maxFrameBytes: 200000
  maxMessageBytes: 100000
`,
    );
    const run = await runCli(['gateway', '--config', file, '--admin-port', '0']);
    expect(run.code).toBe(EX_CONFIG);
    expect(run.stderr).toContain('SWB_ERR_CONFIG_INVALID');
    expect(run.stderr).toContain('(3 problems)');
    const problems = run.stderr.split('\n');
    expect(problems).toContainEqual(expect.stringMatching(/^listen\.port: .*expected number/));
    expect(problems).toContainEqual(expect.stringMatching(/^timeouts\.idelMs: unrecognized key/));
    expect(problems).toContainEqual(
      expect.stringMatching(/^limits\.maxFrameBytes: must not exceed limits\.maxMessageBytes/),
    );
  });

  it('exits 78 naming the resource and property for an unusable CloudFormation template', async () => {
    const file = await tempFile(
      'template.yml',
      `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  DefaultRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $default
      Target: integrations/Missing
`,
    );
    const run = await runCli(['gateway', '--config', file, '--port', '0', '--admin-port', '0']);
    expect(run.code).toBe(EX_CONFIG);
    expect(run.stderr).toContain('SWB_ERR_TEMPLATE_INVALID');
    expect(run.stderr).toContain('DefaultRoute.Target: "integrations/Missing" is not integrations/ID');
  });

  it('serves a CloudFormation template with --param, and `import` prints its Switchboard YAML', async () => {
    await using backend = await startTestBackend();
    const file = await tempFile(
      'served-template.yml',
      `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  BackendUrl: { Type: String }
  StageName: { Type: String, Default: dev }
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: { Name: echo, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action }
  Echo:
    Type: AWS::ApiGatewayV2::Integration
    Properties: { ApiId: !Ref Api, IntegrationType: HTTP_PROXY, IntegrationMethod: POST, IntegrationUri: !Sub '\${BackendUrl}/message' }
  DefaultRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: { ApiId: !Ref Api, RouteKey: $default, RouteResponseSelectionExpression: $default, Target: !Sub 'integrations/\${Echo}' }
  DefaultRouteResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties: { ApiId: !Ref Api, RouteId: !Ref DefaultRoute, RouteResponseKey: $default }
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: { ApiId: !Ref Api, StageName: !Ref StageName }
  Table:
    Type: AWS::DynamoDB::Table
`,
    );
    await using gateway = await startCli(['gateway', '--config', file, '--param', `BackendUrl=${backend.url}`, '--param', 'StageName=live', '--port', '0', '--admin-port', '0']);
    expect(gateway.urls.clients).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/live$/);
    await using client = await connectClient(gateway.urls.clients);
    client.send('through a template');
    expect(await client.next()).toBe('through a template');

    const imported = await runCli(['import', file, '--param', `BackendUrl=${backend.url}`]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`uri: ${backend.url}/message`);
    expect(imported.stdout).toContain('twoWay: true');
    expect(imported.stderr).toContain('warning: Table (AWS::DynamoDB::Table): it has no KeySchema, so table Table cannot be created');

    const missing = await runCli(['import', file]);
    expect(missing.code).toBe(EX_CONFIG);
    expect(missing.stderr).toContain('parameter "BackendUrl" has no Default: give it with --param BackendUrl=VALUE');
  });
});

describe('switchboard backend', () => {
  it('prints where it listens, is ready, and exits 0 on SIGTERM', async () => {
    await using backend = spawnCli(['backend', '--port', '0']);
    const [, url] = await backend.waitForLine(/^sample backend listening on (http:\/\/127\.0\.0\.1:\d+)$/);
    const ready = await fetch(`${url!}/readyz`);
    expect(ready.status).toBe(200);
    const echo = await fetch(`${url!}/message`, { method: 'POST', body: 'plain http' });
    expect(await echo.text()).toBe('plain http');

    backend.signal('SIGTERM');
    expect(await backend.exited).toEqual({ code: 0, signal: null });
  });
});

describe('switchboard gateway --config', () => {
  it('serves an echo end to end through the configured backend, and exits 0 on SIGTERM', async () => {
    await using backend = await startTestBackend();
    const file = await tempFile('echo.yml', routesYaml(backend.url));
    await using gateway = await startCli(['gateway', '--config', file, '--port', '0', '--admin-port', '0']);
    expect(gateway.urls.clients).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/dev$/);
    expect(gateway.urls.backend).toBeUndefined();

    const client = await connectClient(gateway.urls.clients);
    expect((await backend.next('/connect')).method).toBe('POST');
    client.send('echo through the gateway');
    expect(await client.next()).toBe('echo through the gateway');
    expect((await backend.next('/message')).body.toString()).toBe('echo through the gateway');
    await client.close();
    await backend.next('/disconnect');

    gateway.signal('SIGTERM');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
  });

  it('lets SWITCHBOARD_* variables override the file', async () => {
    await using backend = await startTestBackend();
    // The file's port is one this test holds: the gateway starts only if the variable wins.
    const occupied: Server = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    try {
      const taken = (occupied.address() as { port: number }).port;
      const file = await tempFile(
        'env-override.yml',
        `listen:
  host: 127.0.0.1
  port: ${taken}
admin:
  port: 0
api:
  stages: [filestage]
${routesYaml(backend.url)}`,
      );
      await using gateway = await startCli(['gateway', '--config', file], {
        env: { SWITCHBOARD_LISTEN_PORT: '0', SWITCHBOARD_API_STAGES: 'envstage' },
      });
      const clients = new URL(gateway.urls.clients);
      expect(clients.pathname).toBe('/envstage');
      expect(Number(clients.port)).not.toBe(taken);
      expect(gateway.urls.managementEndpoint).toMatch(/\/envstage$/);

      await using client = await connectClient(gateway.urls.clients);
      client.send('env stage');
      expect(await client.next()).toBe('env stage');
      expect((await refusedStatus(`ws://127.0.0.1:${clients.port}/filestage`)).status).toBe(403);
    } finally {
      await new Promise<void>((resolve) => occupied.close(() => resolve()));
    }
  });
});
