/**
 * What `switchboard gateway` and `switchboard up` say when they start, on the real process: the
 * dashboard's URL (and how to open it under bearer or SigV4 auth), a plain statement when a listener
 * is bound to every interface (0.0.0.0 or ::) next to a 127.0.0.1 URL that works, and the
 * configuration's warnings (no routes, a `default` route key) logged once, at `warn`, and printed by
 * `switchboard config validate` under its OK.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../gateway/test/helpers/client.js';
import { runCli, startCli, stopAllCliProcesses, type StartedCli } from './helpers/cli-process.js';

const PORT_0S = ['--port', '0', '--admin-port', '0'];
const BEARER_TOKEN = 'a-bearer-token-of-32-characters!';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-banner-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await stopAllCliProcesses();
});

async function configFile(name: string, yaml: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, yaml);
  return file;
}

/** The banner's `  NAME  VALUE` line for `name`, whole (undefined when there is none). */
function bannerLine(cli: StartedCli, name: string): string | undefined {
  return new RegExp(`^ {2}${name}\\s+(.+)$`, 'm').exec(cli.stdout)?.[1];
}

/** The port of a URL printed in the banner. */
function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** The JSON log lines the process printed on stdout with `level` (40 = warn). */
function logLines(cli: StartedCli, level: number): { setting?: string; msg: string }[] {
  return cli.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; setting?: string; msg: string })
    .filter((entry) => entry.level === level);
}

const ROUTES = `integrations:
  echo: { uri: "http://127.0.0.1:9/message" }
routes:
  $default: { integration: echo }
`;

describe('the startup banner', () => {
  it('shows the dashboard and says that the default client listener (0.0.0.0) is reachable from the network', async () => {
    const file = await configFile('wildcard.yml', ROUTES);
    await using gateway = await startCli(['gateway', '--config', file, ...PORT_0S]);
    const clientPort = portOf(gateway.urls.clients);

    expect(bannerLine(gateway, 'dashboard')).toBe(`${gateway.urls.admin}/`);
    const page = await fetch(`${gateway.urls.admin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);

    expect(gateway.stdout).toContain(
      `Reachable from the network: the client listener is bound to 0.0.0.0 (every interface), port ${clientPort}; --set listen.host=127.0.0.1 keeps it local.\n`,
    );
    // The admin listener stays on 127.0.0.1 by default, and its URL already says so.
    expect(gateway.stdout).not.toContain('the admin listener is bound');
    // The URL shown is one a client on this machine can use, never ws://0.0.0.0.
    expect(gateway.urls.clients).toBe(`ws://127.0.0.1:${clientPort}/dev`);
    await using client = await connectClient(gateway.urls.clients);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    // The banner still ends with the `Try:` line that scripts wait for.
    expect(gateway.stdout).toMatch(/\nTry: npx wscat -c ws:\/\/127\.0\.0\.1:\d+\/dev\n/);
  });

  it('says nothing about the network for listeners on 127.0.0.1, and has no dashboard line when it is disabled', async () => {
    const file = await configFile('local.yml', ROUTES);
    await using gateway = await startCli([
      'gateway',
      '--config',
      file,
      ...PORT_0S,
      '--set',
      'listen.host=127.0.0.1',
      '--set',
      'dashboard.enabled=false',
    ]);
    expect(bannerLine(gateway, 'clients')).toBe(gateway.urls.clients);
    expect(bannerLine(gateway, 'dashboard')).toBeUndefined();
    expect(gateway.stdout).not.toContain('Reachable from the network');
    // Without the dashboard, `/` is an unknown admin path, answered as AWS answers one.
    const root = await fetch(`${gateway.urls.admin}/`);
    expect(root.status).toBe(403);
    expect(root.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
  });

  it('names an admin listener on :: and tells how to open the dashboard with bearer auth', async () => {
    const file = await configFile(
      'admin-everywhere.yml',
      `${ROUTES}admin:
  host: "::"
  auth:
    mode: bearer
    bearerTokens: ["${BEARER_TOKEN}"]
`,
    );
    await using gateway = await startCli(['gateway', '--config', file, ...PORT_0S]);
    const adminPort = portOf(gateway.urls.admin);
    expect(gateway.urls.admin).toBe(`http://127.0.0.1:${adminPort}`);
    expect(bannerLine(gateway, 'dashboard')).toBe(
      `${gateway.urls.admin}/  (open /?token=TOKEN once, with one of admin.auth.bearerTokens)`,
    );
    expect(gateway.stdout).toContain(
      `Reachable from the network: the admin listener is bound to :: (every interface), port ${adminPort}; --set admin.host=127.0.0.1 keeps it local.\n`,
    );
    // The 127.0.0.1 URL reaches the listener bound to ::, and the token opens the dashboard.
    expect((await fetch(`${gateway.urls.admin}/healthz`)).status).toBe(200);
    const login = await fetch(`${gateway.urls.admin}/?token=${BEARER_TOKEN}`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/');
  });

  it('says that the dashboard answers 403 under SigV4 auth', async () => {
    const file = await configFile(
      'sigv4.yml',
      `${ROUTES}admin:
  auth:
    mode: verify
    accessKeys: { AKIDLOCAL: local-secret }
`,
    );
    await using gateway = await startCli(['gateway', '--config', file, ...PORT_0S]);
    expect(bannerLine(gateway, 'dashboard')).toBe(
      `${gateway.urls.admin}/  (answers 403: a browser cannot sign SigV4; see docs/dashboard.md)`,
    );
    expect((await fetch(`${gateway.urls.admin}/`)).status).toBe(403);
  });

  it('shows the dashboard and the wildcard client listener for `switchboard up` too', async () => {
    await using up = await startCli(['up', ...PORT_0S, '--backend-port', '0']);
    expect(bannerLine(up, 'dashboard')).toBe(`${up.urls.admin}/`);
    expect(up.stdout).toContain(
      `Reachable from the network: the client listener is bound to 0.0.0.0 (every interface), port ${portOf(up.urls.clients)}; --set listen.host=127.0.0.1 keeps it local.\n`,
    );
    expect((await fetch(`${up.urls.admin}/`)).status).toBe(200);
  });
});

describe('configuration warnings at startup', () => {
  it('logs a warning, once, when no route is configured, and starts anyway', async () => {
    await using gateway = await startCli(['gateway', ...PORT_0S, '--set', 'log.format=json']);
    await gateway.waitForLine(/"setting":"routes"/);
    const warnings = logLines(gateway, 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ setting: 'routes' });
    expect(warnings[0]?.msg).toMatch(/^no routes are configured: clients can connect, but every message they send is answered with the "Forbidden" error frame/);
    // It started: a client connects, and its message gets the Forbidden frame the warning announced.
    await using client = await connectClient(gateway.urls.clients);
    client.send('hello');
    expect(JSON.parse(await client.next())).toMatchObject({ message: 'Forbidden' });
  });

  it('logs a warning for a route key `default`, saying to write $default', async () => {
    const file = await configFile(
      'default-key.yml',
      `integrations:
  echo: { uri: "http://127.0.0.1:9/message" }
routes:
  default: { integration: echo }
`,
    );
    await using gateway = await startCli(['gateway', '--config', file, ...PORT_0S, '--set', 'log.format=json']);
    await gateway.waitForLine(/"setting":"routes.default"/);
    const warnings = logLines(gateway, 40);
    expect(warnings.map((warning) => warning.setting)).toEqual(['routes.default']);
    expect(warnings[0]?.msg).toContain('the catch-all route is "$default". Write "$default"');
  });

  it('logs nothing for `switchboard up`, whose sample routes are complete', async () => {
    await using up = await startCli(['up', ...PORT_0S, '--backend-port', '0', '--set', 'log.format=json']);
    expect(up.stdout).toContain('Switchboard is running');
    expect(logLines(up, 40)).toEqual([]);
  });
});

describe('configuration warnings in `switchboard config validate`', () => {
  it('prints them under OK with their setting, exits 0, and lists them in --json', async () => {
    const file = await configFile(
      'warned.yml',
      `integrations:
  echo: { uri: "http://127.0.0.1:9/message" }
routes:
  default: { integration: echo }
  connect: { integration: echo }
`,
    );
    const run = await runCli(['config', 'validate', '--config', file]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`OK ${file}, with 2 warnings`);
    expect(lines[1]).toMatch(/^ {2}warning routes\.default: route key "default" is a custom route key: .* Write "\$default"/);
    expect(lines[2]).toMatch(/^ {2}warning routes\.connect: route key "connect" is a custom route key: it is never called on a connect/);
    expect(lines).toHaveLength(3);

    const json = await runCli(['config', 'validate', '--config', file, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { valid: boolean; warnings: { path: string; message: string }[] };
    expect(report.valid).toBe(true);
    expect(report.warnings.map((warning) => warning.path)).toEqual(['routes.default', 'routes.connect']);
  });

  it('warns about a configuration with no routes, and prints a bare OK for one without problems', async () => {
    const empty = await runCli(['config', 'validate']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toMatch(/^OK \(defaults and environment\), with 1 warning\n {2}warning routes: no routes are configured: /);

    const file = await configFile('clean.yml', ROUTES);
    const clean = await runCli(['config', 'validate', '--config', file, '--json']);
    expect(JSON.parse(clean.stdout)).toEqual({ valid: true, file, warnings: [] });
  });
});
