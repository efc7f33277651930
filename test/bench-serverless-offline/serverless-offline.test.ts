/**
 * The serverless-offline peer of the benchmark (bench/src/serverless-offline.ts) without serverless
 * installed: the service it writes (serverless.yml, the echo handler, the install dir's
 * package.json) and how the scenarios are registered as peers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createScenarios, defaultScenarioNames, scenarioNames } from '../../bench/src/scenarios.js';
import {
  HANDLER_FILE,
  echoHandlerSource,
  serverlessOfflinePackageJson,
  serverlessYml,
} from '../../bench/src/serverless-offline-config.js';
import {
  SERVERLESS_OFFLINE_MAX_CONNECTIONS,
  serverlessOfflineInstalled,
} from '../../bench/src/serverless-offline.js';
import { PEER_SCENARIOS } from '../../bench/src/summary.js';

interface Service {
  service: string;
  frameworkVersion: string;
  provider: Record<string, unknown>;
  functions: Record<string, { handler: string; events: { websocket: Record<string, string> }[] }>;
  plugins: string[];
  custom: { 'serverless-offline': Record<string, unknown> };
}

const ports = { websocketPort: 40001, httpPort: 40002, lambdaPort: 40003 };

describe('serverless.yml of the serverless-offline scenarios', () => {
  const service = parse(serverlessYml({ ...ports, inProcess: false })) as Service;

  it('is an AWS Node 20 service with the serverless-offline plugin', () => {
    expect(service.frameworkVersion).toBe('3');
    expect(service.provider).toMatchObject({ name: 'aws', runtime: 'nodejs20.x' });
    expect(service.provider.websocketsApiRouteSelectionExpression).toBe('$request.body.action');
    expect(service.plugins).toEqual(['serverless-offline']);
  });

  it('routes $connect, $disconnect and $default to one handler; only $default answers the sender', () => {
    const functions = Object.values(service.functions);
    expect(functions).toHaveLength(1);
    const [echo] = functions;
    expect(echo?.handler).toBe(`${HANDLER_FILE.replace(/\.mjs$/, '')}.echo`);
    expect(echo?.events.map((event) => event.websocket)).toEqual([
      { route: '$connect' },
      { route: '$disconnect' },
      { route: '$default', routeResponseSelectionExpression: '$default' },
    ]);
  });

  it('binds the given ports on loopback, in worker-thread or in-process mode', () => {
    expect(service.custom['serverless-offline']).toEqual({
      host: '127.0.0.1',
      ...ports,
      useInProcess: false,
    });
    const inProcess = parse(serverlessYml({ ...ports, inProcess: true })) as Service;
    expect(inProcess.custom['serverless-offline'].useInProcess).toBe(true);
  });
});

describe('the echo handler', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-sls-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = async (): Promise<(event: unknown) => Promise<unknown>> => {
    const file = join(dir, HANDLER_FILE);
    writeFileSync(file, echoHandlerSource());
    const module = (await import(pathToFileURL(file).href)) as { echo: (event: unknown) => Promise<unknown> };
    return module.echo;
  };

  it('returns each message body as the route response and accepts connections', async () => {
    const echo = await load();
    const event = (eventType: string, body?: string): unknown => ({
      requestContext: { eventType, connectionId: 'abc', routeKey: '$default' },
      ...(body === undefined ? {} : { body }),
    });
    await expect(echo(event('MESSAGE', 'switchboard-bench:xxxx'))).resolves.toEqual({
      statusCode: 200,
      body: 'switchboard-bench:xxxx',
    });
    await expect(echo(event('CONNECT'))).resolves.toEqual({ statusCode: 200 });
    await expect(echo(event('DISCONNECT'))).resolves.toEqual({ statusCode: 200 });
  });
});

describe('the install dir package.json', () => {
  it('pins serverless 3 and serverless-offline 13 and is private', () => {
    const pkg = JSON.parse(serverlessOfflinePackageJson()) as {
      private: boolean;
      dependencies: Record<string, string>;
      workspaces?: unknown;
    };
    expect(pkg.private).toBe(true);
    expect(pkg.dependencies).toEqual({ serverless: '3.40.0', 'serverless-offline': '13.9.0' });
    expect(pkg.workspaces).toBeUndefined();
  });
});

describe('registration', () => {
  const scenarios = createScenarios();

  it('has both modes as peers: measured, never judged against the bars', () => {
    for (const name of ['serverless-offline', 'serverless-offline-inprocess'] as const) {
      expect(scenarioNames).toContain(name);
      expect(scenarios[name].name).toBe(name);
      expect(PEER_SCENARIOS.has(name)).toBe(true);
    }
    expect(scenarios['serverless-offline'].maxConnections).toBe(SERVERLESS_OFFLINE_MAX_CONNECTIONS);
    expect(scenarios['serverless-offline-inprocess'].maxConnections).toBeUndefined();
  });

  it('runs by default only when installed, and the in-process mode only when asked for', () => {
    const names = defaultScenarioNames();
    expect(names.includes('serverless-offline')).toBe(serverlessOfflineInstalled());
    expect(names).not.toContain('serverless-offline-inprocess');
  });
});
