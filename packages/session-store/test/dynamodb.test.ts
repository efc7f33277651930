// The DynamoDB adapter against the conformance suite on the real DynamoDB Local: DYNAMODB_ENDPOINT
// when .ci/run started it, else one started here with Java and stopped by pid afterwards.
import { randomUUID } from 'node:crypto';
import { DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessionStore } from '../src/index.js';
import { sessionStoreConformance } from './conformance/session-store.case.js';
import { dynamoDbLocal, inCi } from './helpers/services.js';

const local = await dynamoDbLocal();
if (typeof local === 'string' && inCi)
  throw new Error(`CI=true but DynamoDB Local is not available: ${local}`);
const reason = typeof local === 'string' ? local : '';
const endpoint = typeof local === 'string' ? '' : local.endpoint;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const table = `swb-sessions-${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  if (typeof local !== 'string') await local.stop();
});

describe.skipIf(typeof local === 'string')(`dynamodb (skipped: ${reason})`, () => {
  sessionStoreConformance('dynamodb', () =>
    createSessionStore({
      kind: 'dynamodb',
      table,
      createTable: true,
      endpoint,
      clientConfig: { credentials },
    }),
  );

  it('creates the table with TTL enabled on the configured attribute, and keeps sessions across stores', async () => {
    const name = `${table}-ttl`;
    const first = await createSessionStore({
      kind: 'dynamodb',
      table: name,
      keyAttribute: 'pk',
      ttlAttribute: 'ttl',
      createTable: true,
      endpoint,
      clientConfig: { credentials },
    });
    await first.put('s', { count: 3 }, 60);
    await first.close();
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    client.destroy();
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'ttl', TimeToLiveStatus: 'ENABLED' });
    const second = await createSessionStore({
      kind: 'dynamodb',
      table: name,
      keyAttribute: 'pk',
      ttlAttribute: 'ttl',
      endpoint,
      clientConfig: { credentials },
    });
    expect((await second.get('s'))?.data).toEqual({ count: 3 });
    await second.close();
  });

  it('a missing table without createTable is SWB_ERR_SESSION_STORE_UNAVAILABLE', async () => {
    await expect(
      createSessionStore({
        kind: 'dynamodb',
        table: `${table}-absent`,
        endpoint,
        clientConfig: { credentials },
      }),
    ).rejects.toMatchObject({
      code: 'SWB_ERR_SESSION_STORE_UNAVAILABLE',
    });
  });
});
