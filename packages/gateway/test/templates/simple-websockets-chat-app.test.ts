// End to end: the AWS chat sample (test/fixtures/simple-websockets-chat-app, a rewrite of
// aws-samples/simple-websockets-chat-app) runs unchanged from its SAM template. The template and
// handlers are copied to a temporary folder outside the repository, so the handlers find no
// node_modules and use the AWS SDK the gateway provides; the gateway creates the template's table
// in the real DynamoDB Local (DYNAMODB_ENDPOINT when .ci/run started it, else one started here with
// Java and stopped by pid; under CI=true a missing one fails); sendmessage's management calls to
// https://{domainName}/{stage} reach the gateway's management API.
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbLocal, inCi } from '../../../session-store/test/helpers/services.js';
import { loadConfig } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/main.js';
import { connectClient, type TestClient } from '../helpers/client.js';

const local = await dynamoDbLocal();
if (typeof local === 'string' && inCi) throw new Error(`CI=true but DynamoDB Local is not available: ${local}`);
const reason = typeof local === 'string' ? local : '';
const endpoint = typeof local === 'string' ? '' : local.endpoint;
const fixture = fileURLToPath(new URL('../fixtures/simple-websockets-chat-app/', import.meta.url));
// The template's AllowedPattern is letters and underscores.
const table = `swb_chat_${randomBytes(6).toString('hex').replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)] ?? 'x')}`;
const dynamodb = new DynamoDBClient({ endpoint: endpoint || 'http://127.0.0.1:1', region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

afterAll(async () => {
  dynamodb.destroy();
  if (typeof local !== 'string') await local.stop();
});

/** The connection ids stored in the sample's table. */
async function storedIds(): Promise<string[]> {
  const scan = await dynamodb.send(new ScanCommand({ TableName: table }));
  return (scan.Items ?? []).map((item) => item['connectionId']?.S ?? '').sort();
}

describe.skipIf(typeof local === 'string')(`the AWS chat sample from its SAM template (skipped: ${reason})`, () => {
  let folder: string;
  let running: RunningGateway;
  const templateMessages: string[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'swb-chat-app-'));
    await cp(fixture, folder, { recursive: true });
    const config = await loadConfig({
      file: join(folder, 'template.yaml'),
      templateParameters: { TableName: table },
      onTemplateMessage: (kind, message) => templateMessages.push(`${kind}: ${message}`),
      overrides: {
        listen: { host: '127.0.0.1', port: 0 },
        admin: { host: '127.0.0.1', port: 0 },
        dynamodb: { endpoint },
        shutdown: { drainMs: 0, disconnectFlushMs: 5000 },
      },
    });
    running = await startGateway(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  });

  afterAll(async () => {
    await running.gateway.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('loads the template with no warning and creates its connections table at the DynamoDB endpoint', async () => {
    expect(templateMessages.filter((message) => message.startsWith('warning'))).toEqual([]);
    const described = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.KeySchema).toEqual([{ AttributeName: 'connectionId', KeyType: 'HASH' }]);
    expect(described.Table?.TableStatus).toBe('ACTIVE');
  });

  it('stores connection ids on $connect, broadcasts sendmessage to every client, and forgets a client on $disconnect', async () => {
    const url = `ws://127.0.0.1:${running.clientPort}/Prod`;
    const alice: TestClient = await connectClient(url);
    const [aliceId] = [...running.gateway.registry.values()].map((connection) => connection.id);
    const bob: TestClient = await connectClient(url);
    try {
      const ids = [...running.gateway.registry.values()].map((connection) => connection.id).sort();
      expect(ids).toHaveLength(2);
      // $connect answers the upgrade only after OnConnectFunction returned, so both are stored now.
      expect(await storedIds()).toEqual(ids);

      alice.send(JSON.stringify({ action: 'sendmessage', data: 'hi' }));
      expect(await alice.next()).toBe('hi');
      expect(await bob.next()).toBe('hi');

      await bob.close();
      // OnDisconnectFunction runs after the socket closed and nothing announces its end: poll the table.
      const deadline = Date.now() + 20_000;
      let stored = await storedIds();
      while (stored.length > 1 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        stored = await storedIds();
      }
      expect(stored).toEqual([aliceId]);

      alice.send(JSON.stringify({ action: 'sendmessage', data: 'still here' }));
      expect(await alice.next()).toBe('still here');
    } finally {
      await alice.close();
      await bob.close();
    }
  });
});
