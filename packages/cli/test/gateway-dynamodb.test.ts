/**
 * `switchboard gateway --config template.yaml --dynamodb-endpoint URL`, on the real process: the AWS
 * chat sample (a copy outside the repository, so its handlers have no node_modules) runs unchanged
 * against the real DynamoDB Local (DYNAMODB_ENDPOINT when .ci/run started it, else one started here
 * with Java and stopped by pid; under CI=true a missing one fails), its table created at startup; a
 * malformed endpoint exits 78 and one that does not answer exits 1 with SWB_ERR_DYNAMODB_TABLES.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbLocal, inCi } from '../../session-store/test/helpers/services.js';
import { unusedUrl } from '../../gateway/test/helpers/backend.js';
import { connectClient } from '../../gateway/test/helpers/client.js';
import { runCli, startCli, stopAllCliProcesses } from './helpers/cli-process.js';

const EX_CONFIG = 78;
const fixture = fileURLToPath(new URL('../../gateway/test/fixtures/simple-websockets-chat-app/', import.meta.url));
// The template's AllowedPattern is letters and underscores.
const table = `cli_chat_${randomBytes(6).toString('hex').replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)] ?? 'x')}`;
let folder: string;
let template: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'switchboard-cli-chat-'));
  await cp(fixture, folder, { recursive: true });
  template = join(folder, 'template.yaml');
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

afterEach(async () => {
  await stopAllCliProcesses();
});

describe('switchboard gateway --dynamodb-endpoint: bad input', () => {
  it('exits 78 naming dynamodb.endpoint when the endpoint is not an http(s) URL', async () => {
    const run = await runCli(['gateway', '--config', template, '--dynamodb-endpoint', 'localhost:8000', '--port', '0', '--admin-port', '0']);
    expect(run.code).toBe(EX_CONFIG);
    expect(run.stderr).toContain('SWB_ERR_CONFIG_INVALID');
    expect(run.stderr).toMatch(/^dynamodb\.endpoint: /m);
  });

  it('exits 1 with SWB_ERR_DYNAMODB_TABLES when the endpoint does not answer, and serves nothing', async () => {
    const down = await unusedUrl();
    const run = await runCli(['gateway', '--config', template, '--dynamodb-endpoint', down, '--port', '0', '--admin-port', '0']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`SWB_ERR_DYNAMODB_TABLES: dynamodb.tables: table "simplechat_connections" could not be created at ${down}`);
    expect(run.stdout).not.toContain('Switchboard is running');
  });
});

const local = await dynamoDbLocal();
if (typeof local === 'string' && inCi) throw new Error(`CI=true but DynamoDB Local is not available: ${local}`);
const reason = typeof local === 'string' ? local : '';
const endpoint = typeof local === 'string' ? '' : local.endpoint;

afterAll(async () => {
  if (typeof local !== 'string') await local.stop();
});

describe.skipIf(typeof local === 'string')(`switchboard gateway with the AWS chat sample and DynamoDB Local (skipped: ${reason})`, () => {
  it('creates the table and relays sendmessage to every client', async () => {
    await using gateway = await startCli([
      'gateway', '--config', template, '--param', `TableName=${table}`, '--dynamodb-endpoint', endpoint, '--port', '0', '--admin-port', '0',
    ]);
    const dynamodb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const described = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
      expect(described.Table?.TableStatus).toBe('ACTIVE');
    } finally {
      dynamodb.destroy();
    }
    expect(gateway.urls.clients).toMatch(/\/Prod$/);
    await using alice = await connectClient(gateway.urls.clients);
    await using bob = await connectClient(gateway.urls.clients);
    alice.send(JSON.stringify({ action: 'sendmessage', data: 'hi from the CLI' }));
    expect(await alice.next()).toBe('hi from the CLI');
    expect(await bob.next()).toBe('hi from the CLI');
  });
});
