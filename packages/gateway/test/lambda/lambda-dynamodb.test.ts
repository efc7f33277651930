// A Lambda handler that uses the AWS SDK normally, run by the gateway for an AWS_PROXY route, reaches
// the real DynamoDB Local through AWS_ENDPOINT_URL_DYNAMODB (DYNAMODB_ENDPOINT when .ci/run started
// it, else one started here with Java and stopped by pid). Under CI=true a missing one fails.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoDbLocal, inCi } from '../../../session-store/test/helpers/services.js';
import { connectClient } from '../helpers/client.js';
import { startTestGateway } from '../helpers/gateway.js';

const local = await dynamoDbLocal();
if (typeof local === 'string' && inCi)
  throw new Error(`CI=true but DynamoDB Local is not available: ${local}`);
const reason = typeof local === 'string' ? local : '';
const endpoint = typeof local === 'string' ? '' : local.endpoint;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const table = `swb-lambda-${randomUUID().slice(0, 8)}`;
const codeDir = fileURLToPath(new URL('../fixtures/lambda/', import.meta.url));

afterAll(async () => {
  if (typeof local !== 'string') await local.stop();
});

describe.skipIf(typeof local === 'string')(
  `a Lambda handler with the AWS SDK and DynamoDB Local (skipped: ${reason})`,
  () => {
    it('stores and reads an item through AWS_ENDPOINT_URL_DYNAMODB from the function environment', async () => {
      const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
      await using gateway = await startTestGateway({
        functions: {
          save: {
            codeDir,
            handler: 'dynamo.handler',
            timeoutMs: 10_000,
            environment: {
              TABLE_NAME: table,
              AWS_ENDPOINT_URL_DYNAMODB: endpoint,
              AWS_ACCESS_KEY_ID: 'local',
              AWS_SECRET_ACCESS_KEY: 'local',
            },
          },
        },
        integrations: { save: { type: 'AWS_PROXY', function: 'save' } },
        routes: { $default: { integration: 'save', twoWay: true } },
      });
      await using ws = await connectClient(gateway.url());
      ws.send('kept in dynamodb');
      expect(JSON.parse(await ws.next())).toEqual({ stored: 'kept in dynamodb' });
      const [connectionId] = [...gateway.gateway.registry.values()].map((connection) => connection.id);
      const item = await client.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: connectionId ?? '' } } }),
      );
      expect(item.Item?.['text']?.S).toBe('kept in dynamodb');
      client.destroy();
    });
  },
);
