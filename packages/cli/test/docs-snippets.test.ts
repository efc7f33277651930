/**
 * The docs' first steps, run as written: the banner that README.md and docs/getting-started.md show
 * is what `switchboard up` prints (ports aside), and the AWS SDK snippet of README.md,
 * docs/getting-started.md and docs/protocol.md, taken from the doc and run by node in the clone,
 * pushes to a real connection: with its own dummy keys against `up` (auth off) and against
 * `admin.auth.mode: any-signature`, and with a key pair of `admin.auth.accessKeys` under `verify`,
 * which refuses the dummy keys, as the snippet's comment says.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ListConnectionsResponse } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../../gateway/test/helpers/client.js';
import {
  repoRoot,
  runCli,
  runProcess,
  startCli,
  stopAllCliProcesses,
  type Finished,
  type StartedCli,
} from './helpers/cli-process.js';

const PORT_0S = ['--port', '0', '--admin-port', '0'];
const SNIPPET_DOCS = ['README.md', 'docs/getting-started.md', 'docs/protocol.md'] as const;
const BANNER_DOCS = ['README.md', 'docs/getting-started.md'] as const;
/** The endpoint every snippet is written for: `switchboard up`'s defaults. */
const DOC_ENDPOINT = "'http://127.0.0.1:8081/dev'";
const ACCESS_KEY_ID = 'AKIDLOCAL';
const SECRET_ACCESS_KEY = 'a-local-secret';

/**
 * No AWS credentials from the machine, so the snippet's own `credentials` are the only ones: no
 * key variables, no profile files, no instance metadata.
 */
const NO_AMBIENT_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
  AWS_SHARED_CREDENTIALS_FILE: join(repoRoot, 'no-such-aws-credentials'),
  AWS_CONFIG_FILE: join(repoRoot, 'no-such-aws-config'),
  AWS_EC2_METADATA_DISABLED: 'true',
};

async function readDoc(doc: string): Promise<string> {
  return readFile(join(repoRoot, doc), 'utf8');
}

/** The one fenced code block of `doc` that contains `marker`, without its fences. */
function codeBlock(text: string, marker: string, doc: string): string {
  const blocks = [...text.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)]
    .map((match) => match[1] ?? '')
    .filter((block) => block.includes(marker));
  expect(blocks, `${doc} has one code block with ${marker}`).toHaveLength(1);
  return blocks[0]!;
}

/** `text` with `literal` (which must occur exactly once) replaced. */
function replaceOnce(text: string, literal: string | RegExp, replacement: string): string {
  const count = typeof literal === 'string' ? text.split(literal).length - 1 : [...text.matchAll(new RegExp(literal.source, `${literal.flags}g`))].length;
  expect(count, `occurrences of ${String(literal)}`).toBe(1);
  return text.replace(literal, replacement);
}

/** The `Data: '…'` the snippet pushes. */
function dataOf(snippet: string): string {
  const data = /Data: '([^']*)'/.exec(snippet)?.[1];
  expect(data).toBeDefined();
  return data!;
}

/** Runs module code with node in the clone, as `node push.mjs` there would (bare imports resolve from its node_modules). */
async function runModule(code: string): Promise<Finished> {
  return runProcess(process.execPath, ['--input-type=module', '--eval', code], { env: NO_AMBIENT_CREDENTIALS });
}

/** The snippet of `doc`, pointed at `endpoint` and connection `id`; nothing else changed. */
async function snippetFor(doc: string, endpoint: string, id: string): Promise<string> {
  const snippet = codeBlock(await readDoc(doc), 'ApiGatewayManagementApiClient', doc);
  const pointed = replaceOnce(snippet, DOC_ENDPOINT, `'${endpoint}'`);
  return replaceOnce(pointed, /ConnectionId: '[^']*'/, `ConnectionId: '${id}'`);
}

/** A client of `gateway`, and its connection id from the management API listing. */
async function connectionOf(gateway: StartedCli, userAgent: string): Promise<{ client: TestClient; id: string }> {
  const client = await connectClient(gateway.urls.clients, undefined, { headers: { 'User-Agent': userAgent } });
  const response = await fetch(`${gateway.urls.managementEndpoint}/@connections`);
  expect(response.status).toBe(200);
  const list = (await response.json()) as ListConnectionsResponse;
  const ids = list.items.filter((item) => item.identity.userAgent === userAgent).map((item) => item.connectionId);
  expect(ids).toHaveLength(1);
  return { client, id: ids[0]! };
}

afterAll(async () => {
  await stopAllCliProcesses();
});

describe('the first steps against `switchboard up`', () => {
  let up: StartedCli;

  beforeAll(async () => {
    up = await startCli(['up', ...PORT_0S, '--backend-port', '0']);
  });

  it.each(BANNER_DOCS)('%s shows the banner `switchboard up` prints, ports aside', async (doc) => {
    const shown = codeBlock(await readDoc(doc), 'Switchboard is running', doc);
    const printed = /^Switchboard is running\n[\s\S]*?^Try: .*\n/m.exec(up.stdout)?.[0];
    expect(printed).toBeDefined();
    const ports: Record<string, string> = {
      '8080': new URL(up.urls.clients).port,
      '8081': new URL(up.urls.admin).port,
      '3000': new URL(up.urls.backend!).port,
    };
    // Both the `:PORT` of URLs and the `port PORT` of the network line.
    const withPorts = shown.replace(/(?<=:|port )(8080|8081|3000)\b/g, (port) => ports[port]!);
    expect(withPorts).toBe(printed);
  });

  it.each(SNIPPET_DOCS)('the AWS SDK snippet of %s pushes to a connection as written', async (doc) => {
    const { client, id } = await connectionOf(up, `docs-snippet/${doc}`);
    await using _client = client;
    const snippet = await snippetFor(doc, up.urls.managementEndpoint, id);
    const run = await runModule(snippet);
    expect(run.code, run.stderr).toBe(0);
    expect(await client.next()).toBe(dataOf(snippet));
  });

  it('fails without the credentials the getting-started snippet now gives, with the error the doc names', async () => {
    const { client, id } = await connectionOf(up, 'docs-snippet/no-credentials');
    await using _client = client;
    const snippet = await snippetFor('docs/getting-started.md', up.urls.managementEndpoint, id);
    const run = await runModule(replaceOnce(snippet, /^\s*credentials: .*\n/m, ''));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Could not load credentials from any providers');
    expect((await readDoc('docs/getting-started.md')).replace(/\s+/g, ' ')).toContain('"Could not load credentials from any providers"');
  });
});

// A gateway to start, a `switchboard list` and one or two node processes each: generous deadlines for a loaded machine.
describe('the getting-started snippet under admin.auth', { timeout: 90_000 }, () => {
  it('works as written with any-signature, which checks the form of the signature only', async () => {
    await using gateway = await startCli(['gateway', ...PORT_0S, '--set', 'admin.auth.mode=any-signature']);
    const { client, id } = await connectionOfSigned(gateway, 'docs-snippet/any-signature', { accessKeyId: 'local', secretAccessKey: 'local' });
    await using _client = client;
    const snippet = await snippetFor('docs/getting-started.md', gateway.urls.managementEndpoint, id);
    const run = await runModule(snippet);
    expect(run.code, run.stderr).toBe(0);
    expect(await client.next()).toBe(dataOf(snippet));
  });

  it('is refused with the dummy keys under verify, and works with a key pair of admin.auth.accessKeys', async () => {
    await using gateway = await startCli([
      'gateway',
      ...PORT_0S,
      '--set',
      'admin.auth.mode=verify',
      '--set',
      `admin.auth.accessKeys={"${ACCESS_KEY_ID}":"${SECRET_ACCESS_KEY}"}`,
    ]);
    const keys = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY };
    const { client, id } = await connectionOfSigned(gateway, 'docs-snippet/verify', keys);
    await using _client = client;
    const snippet = await snippetFor('docs/getting-started.md', gateway.urls.managementEndpoint, id);

    const dummy = await runModule(snippet);
    expect(dummy.code).not.toBe(0);
    expect(dummy.stderr).toContain('ForbiddenException');

    const withKeys = replaceOnce(
      snippet,
      /credentials: \{[^}]*\}/,
      `credentials: { accessKeyId: '${ACCESS_KEY_ID}', secretAccessKey: '${SECRET_ACCESS_KEY}' }`,
    );
    const run = await runModule(withKeys);
    expect(run.code, run.stderr).toBe(0);
    expect(await client.next()).toBe(dataOf(snippet));
  });
});

/**
 * A client of `gateway` and its connection id, listed by `switchboard list`, which signs with the
 * given keys as the docs tell users to (the listing is Switchboard's, so no SDK command sends it).
 */
async function connectionOfSigned(
  gateway: StartedCli,
  userAgent: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<{ client: TestClient; id: string }> {
  const client = await connectClient(gateway.urls.clients, undefined, { headers: { 'User-Agent': userAgent } });
  const list = await runCli([
    'list',
    '--endpoint',
    gateway.urls.managementEndpoint,
    '--access-key-id',
    credentials.accessKeyId,
    '--secret-access-key',
    credentials.secretAccessKey,
    '--json',
  ]);
  expect(list.code, list.stderr).toBe(0);
  const { items } = JSON.parse(list.stdout) as ListConnectionsResponse;
  const ids = items.filter((item) => item.identity.userAgent === userAgent).map((item) => item.connectionId);
  expect(ids).toHaveLength(1);
  return { client, id: ids[0]! };
}
