/**
 * The management commands (`send`, `get`, `delete`, `list`, `broadcast`) and `config validate` as
 * real processes against a real gateway on port 0: unsigned, SigV4 `verify` (flags and AWS_*
 * variables) and bearer tokens; JSON and text output; exit codes 0, 2, 3, 4, 69 and 78.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, unusedUrl, type TestBackend } from '../../gateway/test/helpers/backend.js';
import { connectClient } from '../../gateway/test/helpers/client.js';
import { routesTo, startTestGateway } from '../../gateway/test/helpers/gateway.js';
import { cliMain, runCli, runProcess, stopAllCliProcesses } from './helpers/cli-process.js';

const ACCESS_KEY = 'AKIDCLITEST';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYCLIKEY';
const TOKEN = 'a-bearer-token-of-the-cli-test';

let backend: TestBackend;
let dir: string;

beforeAll(async () => {
  backend = await startTestBackend();
  dir = await mkdtemp(join(tmpdir(), 'switchboard-cli-mgmt-'));
});

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await stopAllCliProcesses();
});

/** The only connection the gateway lists, found with `switchboard list --json`. */
async function onlyConnectionId(endpoint: string, auth: readonly string[] = []): Promise<string> {
  const listed = await runCli(['list', '--endpoint', endpoint, '--json', ...auth]);
  expect(listed.code, listed.stderr).toBe(0);
  const { items } = JSON.parse(listed.stdout) as { items: { connectionId: string }[] };
  expect(items).toHaveLength(1);
  return items[0]?.connectionId ?? '';
}

describe('management commands without authentication', () => {
  it('list, get, send, broadcast and delete a live connection', async () => {
    await using gateway = await startTestGateway(routesTo(backend.url));
    const endpoint = `${gateway.adminUrl}/dev`;
    await using client = await connectClient(gateway.url('dev'), undefined, {
      headers: { 'user-agent': 'cli-test-agent' },
    });

    const id = await onlyConnectionId(endpoint);

    const got = await runCli(['get', id, '--endpoint', endpoint, '--json']);
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({
      connectionId: id,
      identity: { userAgent: 'cli-test-agent', sourceIp: '127.0.0.1' },
    });
    const gotText = await runCli(['get', id, '--endpoint', endpoint]);
    expect(gotText.stdout).toMatch(/^userAgent\s+cli-test-agent$/m);
    expect(gotText.stdout).not.toContain('\u001b[');

    const sent = await runCli(['send', id, 'hello from the cli', '--endpoint', endpoint]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toBe(`sent 18 bytes to ${id}\n`);
    expect(await client.next()).toBe('hello from the cli');

    const file = join(dir, 'message.json');
    await writeFile(file, '{"from":"file"}');
    const sentFile = await runCli(['send', id, '--file', file, '--endpoint', endpoint, '--json']);
    expect(JSON.parse(sentFile.stdout)).toEqual({ connectionId: id, sent: true, bytes: 15 });
    expect(await client.next()).toBe('{"from":"file"}');

    const broadcast = await runCli(['broadcast', 'to everyone', '--endpoint', endpoint, '--json']);
    expect(broadcast.code, broadcast.stderr).toBe(0);
    expect(JSON.parse(broadcast.stdout)).toMatchObject({ connections: 1, nodes: 1, unreachableNodes: 0 });
    expect(await client.next()).toBe('to everyone');

    const listed = await runCli(['list', '--endpoint', endpoint]);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toMatch(/^1 connection$/m);

    const deleted = await runCli(['delete', id, '--endpoint', endpoint]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await client.closed).code).toBe(1000);

    const gone = await runCli(['get', id, '--endpoint', endpoint]);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain('SWB_ERR_CONNECTION_GONE');
  });

  it('pages through many connections', async () => {
    await using gateway = await startTestGateway(routesTo(backend.url));
    const clients = await Promise.all(Array.from({ length: 7 }, () => connectClient(gateway.url('dev'))));
    try {
      const all = await runCli([
        'list',
        '--endpoint',
        `${gateway.adminUrl}/dev`,
        '--page-size',
        '2',
        '--json',
      ]);
      expect(all.code, all.stderr).toBe(0);
      const ids = (JSON.parse(all.stdout) as { items: { connectionId: string }[] }).items.map(
        (item) => item.connectionId,
      );
      expect(new Set(ids).size).toBe(7);
      const capped = await runCli([
        'list',
        '--endpoint',
        `${gateway.adminUrl}/dev`,
        '--page-size',
        '2',
        '--limit',
        '3',
        '--json',
      ]);
      expect(JSON.parse(capped.stdout)).toMatchObject({ truncated: true });
      expect((JSON.parse(capped.stdout) as { items: unknown[] }).items).toHaveLength(3);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });

  it('exits 2 on usage errors, 4 on an unknown stage and 69 when the gateway does not answer', async () => {
    const [missing, noStage, halfKeys, nobody] = await Promise.all([
      runCli(['send', 'abc', 'hi']),
      runCli(['list', '--endpoint', 'http://127.0.0.1:1']),
      runCli(['list', '--endpoint', 'http://127.0.0.1:1/dev', '--access-key-id', ACCESS_KEY]),
      unusedUrl().then((url) => runCli(['list', '--endpoint', `${url}/dev`])),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--endpoint is required');
    expect(noStage.code).toBe(2);
    expect(halfKeys.code).toBe(2);
    expect(halfKeys.stderr).toContain('--secret-access-key');

    expect(nobody.code).toBe(69);
    expect(nobody.stderr).toContain('SWB_ERR_CLI_REQUEST');

    await using gateway = await startTestGateway(routesTo(backend.url));
    const stage = await runCli(['list', '--endpoint', `${gateway.adminUrl}/nostage`]);
    expect(stage.code).toBe(4);
    expect(stage.stderr).toContain('SWB_ERR_STAGE_NOT_FOUND');
  });

  it('prints help with examples for every command', async () => {
    const commands = ['send', 'get', 'delete', 'list', 'broadcast'];
    const helps = await Promise.all(commands.map((command) => runCli([command, '--help'])));
    for (const [index, help] of helps.entries()) {
      const command = commands[index] ?? '';
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toContain(`Usage: switchboard ${command}`);
      expect(help.stdout, command).toMatch(/Examples:\n {2}switchboard /);
    }
    const config = await runCli(['config', 'validate', '--help']);
    expect(config.stdout).toMatch(/Examples:\n {2}switchboard config validate/);
  });
});

describe('management commands with authentication', () => {
  it('signs with SigV4 from flags or AWS_* variables, and exits 4 when refused', async () => {
    await using gateway = await startTestGateway({
      ...routesTo(backend.url),
      admin: { auth: { mode: 'verify', accessKeys: { [ACCESS_KEY]: SECRET }, region: 'eu-west-3' } },
    });
    const endpoint = `${gateway.adminUrl}/dev`;
    await using client = await connectClient(gateway.url('dev'));
    const flags = ['--access-key-id', ACCESS_KEY, '--secret-access-key', SECRET, '--region', 'eu-west-3'];
    const id = await onlyConnectionId(endpoint, flags);

    const sent = await runCli([
      'send',
      id,
      'signed "body" with spaces & symbols=',
      '--endpoint',
      endpoint,
      ...flags,
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(await client.next()).toBe('signed "body" with spaces & symbols=');

    const env = { AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: 'eu-west-3' };
    const fromEnv = await runCli(['broadcast', 'from env', '--endpoint', endpoint], { env });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(await client.next()).toBe('from env');

    const unsigned = await runCli(['get', id, '--endpoint', endpoint]);
    expect(unsigned.code).toBe(4);
    expect(unsigned.stderr).toContain('SWB_ERR_MANAGEMENT_AUTH');
    const wrongSecret = await runCli([
      'send',
      id,
      'x',
      '--endpoint',
      endpoint,
      '--access-key-id',
      ACCESS_KEY,
      '--secret-access-key',
      'not-the-secret',
      '--region',
      'eu-west-3',
    ]);
    expect(wrongSecret.code).toBe(4);
    const wrongRegion = await runCli([
      'get',
      id,
      '--endpoint',
      endpoint,
      '--access-key-id',
      ACCESS_KEY,
      '--secret-access-key',
      SECRET,
      '--region',
      'us-east-1',
    ]);
    expect(wrongRegion.code).toBe(4);

    const deleted = await runCli(['delete', id, '--endpoint', endpoint, ...flags]);
    expect(deleted.code, deleted.stderr).toBe(0);
    await client.closed;
  });

  it('sends a bearer token from --token or SWITCHBOARD_TOKEN', async () => {
    await using gateway = await startTestGateway({
      ...routesTo(backend.url),
      admin: { auth: { mode: 'bearer', bearerTokens: [TOKEN] } },
    });
    const endpoint = `${gateway.adminUrl}/dev`;
    await using client = await connectClient(gateway.url('dev'));
    const id = await onlyConnectionId(endpoint, ['--token', TOKEN]);
    const sent = await runCli(['send', id, 'with a token', '--endpoint', endpoint], {
      env: { SWITCHBOARD_TOKEN: TOKEN },
    });
    expect(sent.code, sent.stderr).toBe(0);
    expect(await client.next()).toBe('with a token');
    const wrong = await runCli([
      'get',
      id,
      '--endpoint',
      endpoint,
      '--token',
      'a-wrong-token-of-sixteen-chars',
    ]);
    expect(wrong.code).toBe(4);
  });
});

describe('terminal conventions', () => {
  it('colours output and draws the list progress line only on a terminal (run under script(1))', async () => {
    await using gateway = await startTestGateway(routesTo(backend.url));
    await using client = await connectClient(gateway.url('dev'));
    const command = `${process.execPath} ${cliMain} list --endpoint ${gateway.adminUrl}/dev`;
    const onTerminal = await runProcess('/usr/bin/script', ['-qec', command, '/dev/null']);
    expect(onTerminal.code, onTerminal.stderr).toBe(0);
    expect(onTerminal.stdout).toContain('\u001b[1mconnectionId');
    expect(onTerminal.stdout).toContain('listing connections [');
    const noColor = await runProcess('/usr/bin/script', ['-qec', command, '/dev/null'], {
      env: { NO_COLOR: '1' },
    });
    expect(noColor.stdout).not.toContain('\u001b[1m');
    const piped = await runCli(['list', '--endpoint', `${gateway.adminUrl}/dev`]);
    expect(piped.stdout + piped.stderr).not.toContain('\u001b[');
    expect(piped.stderr).not.toContain('listing connections');
    await client.close();
  });
});

describe('switchboard config validate', () => {
  it('prints OK for a valid file and every problem, exit 78, for an invalid one', async () => {
    const good = join(dir, 'good.yml');
    await writeFile(
      good,
      `integrations:\n  echo:\n    uri: http://127.0.0.1:3000/message\nroutes:\n  $default:\n    integration: echo\n`,
    );
    const ok = await runCli(['config', 'validate', '--config', good]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(`OK ${good}\n`);

    const bad = join(dir, 'bad.yml');
    await writeFile(
      bad,
      `listen:\n  port: 99999\nlimits:\n  nosuch: 1\nroutes:\n  $default:\n    integration: missing\n`,
    );
    const invalid = await runCli(['config', 'validate', '--config', bad]);
    expect(invalid.code).toBe(78);
    expect(invalid.stdout).toContain('listen.port');
    expect(invalid.stdout).toContain('limits.nosuch: unrecognized key');
    expect(invalid.stdout).toContain('routes.$default.integration');

    const json = await runCli(['config', 'validate', '--config', bad, '--json']);
    expect(json.code).toBe(78);
    const report = JSON.parse(json.stdout) as { valid: boolean; problems: { path: string }[] };
    expect(report.valid).toBe(false);
    expect(report.problems.map((problem) => problem.path)).toContain('listen.port');

    const fromEnv = await runCli(['config', 'validate', '--config', good], {
      env: { SWITCHBOARD_LISTEN_PORT: 'abc' },
    });
    expect(fromEnv.code).toBe(78);
    const unreadable = await runCli(['config', 'validate', '--config', join(dir, 'nope.yml')]);
    expect(unreadable.code).toBe(78);
    const usage = await runCli(['config', 'check']);
    expect(usage.code).toBe(2);
  });
});
