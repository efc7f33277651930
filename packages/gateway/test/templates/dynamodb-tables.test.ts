// A template's DynamoDB tables: mapped into `dynamodb.tables` (TableName through !Ref parameters, or
// the logical id; keys, billing, indexes; SAM SimpleTable), checked by the config schema, and
// created at `dynamodb.endpoint` when the gateway starts: in the real DynamoDB Local
// (DYNAMODB_ENDPOINT when .ci/run started it, else one started here with Java and stopped by pid;
// under CI=true a missing one fails), an existing table left as it is, an endpoint that does not
// answer a clear SWB_ERR_DYNAMODB_TABLES.
import { randomBytes } from 'node:crypto';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoDbLocal, inCi } from '../../../session-store/test/helpers/services.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createConfiguredTables } from '../../src/dynamodb/create-tables.js';
import { startGateway } from '../../src/main.js';
import { templateToConfig } from '../../src/templates/cloudformation/template-to-config.js';
import { parseTemplateText } from '../../src/templates/cloudformation/template-yaml.js';
import { unusedUrl } from '../helpers/backend.js';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const suffix = randomBytes(4).toString('hex');

/** A WebSocket API with `resources` (YAML, indented by 2 under Resources) and `head` before them. */
function convert(resources: string, parameters: Record<string, string> = {}, head = '') {
  const text = `${head}
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: { Name: t, ProtocolType: WEBSOCKET }
${resources}`;
  return templateToConfig(parseTemplateText(text, 'template.yml'), { file: 'template.yml', parameters });
}

const tablesTemplate = `  Connections:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Ref TableName
      AttributeDefinitions:
        - { AttributeName: connectionId, AttributeType: S }
        - { AttributeName: room, AttributeType: S }
        - { AttributeName: joinedAt, AttributeType: N }
      KeySchema:
        - { AttributeName: connectionId, KeyType: HASH }
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: '3' }
      GlobalSecondaryIndexes:
        - IndexName: byRoom
          KeySchema:
            - { AttributeName: room, KeyType: HASH }
            - { AttributeName: joinedAt, KeyType: RANGE }
          Projection: { ProjectionType: INCLUDE, NonKeyAttributes: [name] }
          ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 }
      SSESpecification: { SSEEnabled: true }
  Messages:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - { AttributeName: room, AttributeType: S }
        - { AttributeName: sentAt, AttributeType: N }
        - { AttributeName: author, AttributeType: S }
      KeySchema:
        - { AttributeName: room, KeyType: HASH }
        - { AttributeName: sentAt, KeyType: RANGE }
      LocalSecondaryIndexes:
        - IndexName: byAuthor
          KeySchema:
            - { AttributeName: room, KeyType: HASH }
            - { AttributeName: author, KeyType: RANGE }
          Projection: { ProjectionType: KEYS_ONLY }
  Users:
    Type: AWS::Serverless::SimpleTable
    Properties:
      TableName: !Sub 'users_\${Suffix}'
      PrimaryKey: { Name: userId, Type: Number }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: .
      Handler: app.handler
      Environment:
        Variables:
          CONNECTIONS: !Ref Connections
          MESSAGES: !Ref Messages`;
const tablesHead = `Parameters:
  TableName: { Type: String, Default: connections }
  Suffix: { Type: String }`;

describe('DynamoDB tables of a template', () => {
  it('become dynamodb.tables: named by TableName (parameters resolved) or the logical id, which !Ref gives too', () => {
    const result = convert(tablesTemplate, { TableName: 'chat_connections', Suffix: 'x' }, tablesHead);
    const config = parseConfig(result.config);
    expect(Object.keys(config.dynamodb.tables).sort()).toEqual(['Messages', 'chat_connections', 'users_x']);
    expect(config.functions['Fn']?.environment).toEqual({ CONNECTIONS: 'chat_connections', MESSAGES: 'Messages' });
    expect(config.dynamodb.tables['chat_connections']).toEqual({
      keySchema: [{ attributeName: 'connectionId', keyType: 'HASH' }],
      attributeDefinitions: [
        { attributeName: 'connectionId', attributeType: 'S' },
        { attributeName: 'room', attributeType: 'S' },
        { attributeName: 'joinedAt', attributeType: 'N' },
      ],
      billingMode: 'PROVISIONED',
      provisionedThroughput: { readCapacityUnits: 5, writeCapacityUnits: 3 },
      globalSecondaryIndexes: [
        {
          indexName: 'byRoom',
          keySchema: [
            { attributeName: 'room', keyType: 'HASH' },
            { attributeName: 'joinedAt', keyType: 'RANGE' },
          ],
          projection: { projectionType: 'INCLUDE', nonKeyAttributes: ['name'] },
          provisionedThroughput: { readCapacityUnits: 2, writeCapacityUnits: 2 },
        },
      ],
      localSecondaryIndexes: [],
    });
    expect(config.dynamodb.tables['users_x']).toMatchObject({
      keySchema: [{ attributeName: 'userId', keyType: 'HASH' }],
      attributeDefinitions: [{ attributeName: 'userId', attributeType: 'N' }],
      billingMode: 'PAY_PER_REQUEST',
    });
    expect(result.warnings).toEqual([]);
    expect(result.notes).toContain('Connections (AWS::DynamoDB::Table): table chat_connections is created at dynamodb.endpoint when one is set');
  });

  it('warn about a table without KeySchema, which cannot be created, and map the rest', () => {
    const result = convert('  T:\n    Type: AWS::DynamoDB::Table\n    Properties: { TableName: t_table, Frob: 1 }');
    expect(result.warnings).toEqual([
      'T (AWS::DynamoDB::Table): property Frob is not supported and is ignored',
      'T (AWS::DynamoDB::Table): it has no KeySchema, so table t_table cannot be created',
    ]);
    expect(parseConfig(result.config).dynamodb.tables).toEqual({});
  });

  it('are checked by the config schema, each problem with its path', () => {
    const result = convert(`  T:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: bad_table
      BillingMode: PROVISIONED
      AttributeDefinitions: [{ AttributeName: id, AttributeType: STRING }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]`);
    expect(() => parseConfig(result.config)).toThrow(
      expect.objectContaining({
        code: 'SWB_ERR_CONFIG_INVALID',
        message: expect.stringMatching(/dynamodb\.tables\.bad_table\.attributeDefinitions\[0\]\.attributeType/) as unknown,
      }),
    );
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ endpoint: 'not a url' }, /dynamodb\.endpoint/],
      [{ endpoint: 'ftp://127.0.0.1:8000' }, /dynamodb\.endpoint/],
      [{ tables: { ab: { keySchema: [{ attributeName: 'id', keyType: 'HASH' }], attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }] } } }, /dynamodb\.tables\.ab/],
      [{ tables: { t_one: { keySchema: [{ attributeName: 'pk', keyType: 'HASH' }], attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }] } } }, /dynamodb\.tables\.t_one\.keySchema: key attribute "pk" is not in attributeDefinitions/],
      [{ tables: { t_two: { keySchema: [{ attributeName: 'id', keyType: 'RANGE' }], attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }] } } }, /dynamodb\.tables\.t_two\.keySchema: a key is one HASH attribute/],
      [{ tables: { t_three: { billingMode: 'PROVISIONED', keySchema: [{ attributeName: 'id', keyType: 'HASH' }], attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }] } } }, /dynamodb\.tables\.t_three\.provisionedThroughput: billingMode PROVISIONED needs provisionedThroughput/],
    ];
    for (const [dynamodb, message] of cases)
      expect(() => parseConfig({ dynamodb }), JSON.stringify(dynamodb)).toThrow(message);
  });
});

describe('creating the tables at a DynamoDB endpoint that does not answer', () => {
  it('stops the gateway start with SWB_ERR_DYNAMODB_TABLES naming the table, the endpoint and the reason', async () => {
    const endpoint = await unusedUrl();
    const { config: input } = convert(tablesTemplate, { Suffix: 'x' }, tablesHead);
    const config = parseConfig({
      ...input,
      listen: { host: '127.0.0.1', port: 0 },
      admin: { host: '127.0.0.1', port: 0 },
      dynamodb: { ...(input['dynamodb'] as object), endpoint },
    });
    const error = await startGateway(config, logger).then(
      async (running) => {
        await running.gateway.close();
        return new Error('expected the start to fail');
      },
      (thrown: unknown) => thrown as Error & { code?: string },
    );
    expect(error).toMatchObject({ code: 'SWB_ERR_DYNAMODB_TABLES' });
    expect(error.message).toContain(`dynamodb.tables: table "connections" could not be created at ${endpoint}`);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

const local = await dynamoDbLocal();
if (typeof local === 'string' && inCi) throw new Error(`CI=true but DynamoDB Local is not available: ${local}`);
const reason = typeof local === 'string' ? local : '';
const endpoint = typeof local === 'string' ? '' : local.endpoint;
const client = new DynamoDBClient({ endpoint: endpoint || 'http://127.0.0.1:1', region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

afterAll(async () => {
  client.destroy();
  if (typeof local !== 'string') await local.stop();
});

describe.skipIf(typeof local === 'string')(`creating the tables in DynamoDB Local (skipped: ${reason})`, () => {
  const names = { connections: `connections_${suffix}`, users: `users_${suffix}`, messages: `Messages_${suffix}` };
  const configWith = (dynamodb: Record<string, unknown>): Config => {
    const { config } = convert(tablesTemplate, { TableName: names.connections, Suffix: suffix }, tablesHead);
    const tables = (config['dynamodb'] as { tables: Record<string, unknown> }).tables;
    // The logical-id table gets a unique name here, as a parameter would give it.
    const renamed = { ...tables, [names.messages]: tables['Messages'] };
    delete renamed['Messages'];
    return parseConfig({ ...config, dynamodb: { tables: renamed, ...dynamodb } });
  };

  it('creates nothing while createTables is off', async () => {
    const result = await createConfiguredTables(configWith({ endpoint, createTables: false }), {}, logger);
    expect(result).toEqual({ created: [], existing: [] });
    await expect(client.send(new DescribeTableCommand({ TableName: names.connections }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('creates every table with its keys, billing and indexes', async () => {
    const result = await createConfiguredTables(configWith({ endpoint }), {}, logger);
    expect([...result.created].sort()).toEqual([names.connections, names.messages, names.users].sort());
    const connections = (await client.send(new DescribeTableCommand({ TableName: names.connections }))).Table;
    expect(connections?.TableStatus).toBe('ACTIVE');
    expect(connections?.KeySchema).toEqual([{ AttributeName: 'connectionId', KeyType: 'HASH' }]);
    expect(connections?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 5, WriteCapacityUnits: 3 });
    expect(connections?.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: 'byRoom',
      KeySchema: [
        { AttributeName: 'room', KeyType: 'HASH' },
        { AttributeName: 'joinedAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['name'] },
    });
    const messages = (await client.send(new DescribeTableCommand({ TableName: names.messages }))).Table;
    expect(messages?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(messages?.LocalSecondaryIndexes?.[0]).toMatchObject({ IndexName: 'byAuthor', Projection: { ProjectionType: 'KEYS_ONLY' } });
    const users = (await client.send(new DescribeTableCommand({ TableName: names.users }))).Table;
    expect(users?.AttributeDefinitions).toEqual([{ AttributeName: 'userId', AttributeType: 'N' }]);
  });

  it('leaves existing tables and their items as they are on the next start', async () => {
    await client.send(new PutItemCommand({ TableName: names.connections, Item: { connectionId: { S: 'kept' } } }));
    const result = await createConfiguredTables(configWith({ endpoint }), {}, logger);
    expect(result.created).toEqual([]);
    expect([...result.existing].sort()).toEqual([names.connections, names.messages, names.users].sort());
    const item = await client.send(new GetItemCommand({ TableName: names.connections, Key: { connectionId: { S: 'kept' } } }));
    expect(item.Item?.['connectionId']?.S).toBe('kept');
  });
});
