/**
 * Creating the tables of `dynamodb.tables` (a template's AWS::DynamoDB::Table resources) at
 * `dynamodb.endpoint` when the gateway starts, so that local functions find them as they would
 * after a deployment. A table that exists is left as it is; any other failure stops the start with
 * SWB_ERR_DYNAMODB_TABLES, naming the table, the endpoint and the reason.
 * @see docs/lambda.md "DynamoDB"
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Logger } from 'pino';
import type { DynamoDbTableConfig } from '../config/dynamodb.js';
import type { Config } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { functionBaseEnv } from '../integrations/function-environment.js';

/** What happened to each table. */
export interface TableCreation {
  readonly created: readonly string[];
  readonly existing: readonly string[];
}

/** How long a new table may take to become ACTIVE (DynamoDB Local: at once; AWS: seconds). */
const ACTIVE_WITHIN_S = 60;

/**
 * Creates `config.dynamodb.tables` at `config.dynamodb.endpoint`; nothing happens without an
 * endpoint, with `createTables` off or without tables. Signs with the credentials local functions
 * get (the host's, else `local`), in `api.region`.
 */
export async function createConfiguredTables(
  config: Config,
  hostEnv: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<TableCreation> {
  const { endpoint, createTables, tables } = config.dynamodb;
  const names = Object.keys(tables);
  if (endpoint === undefined || !createTables || names.length === 0) return { created: [], existing: [] };
  const env = functionBaseEnv(config, hostEnv);
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  const client = new DynamoDBClient({
    endpoint,
    region: config.api.region,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
    ...(accessKeyId !== undefined && secretAccessKey !== undefined
      ? { credentials: { accessKeyId, secretAccessKey, sessionToken: env['AWS_SESSION_TOKEN'] } }
      : {}),
  });
  const created: string[] = [];
  const existing: string[] = [];
  try {
    for (const [name, table] of Object.entries(tables)) {
      try {
        await client.send(new CreateTableCommand(createTableInput(name, table)));
        await waitUntilTableExists({ client, maxWaitTime: ACTIVE_WITHIN_S }, { TableName: name });
        created.push(name);
        logger.info({ table: name, endpoint }, 'created DynamoDB table');
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) {
          throw new GatewayError(
            'SWB_ERR_DYNAMODB_TABLES',
            `dynamodb.tables: table "${name}" could not be created at ${endpoint}: ${reason(error)}`,
            { cause: error },
          );
        }
        existing.push(name);
        logger.info({ table: name, endpoint }, 'DynamoDB table exists: left as it is');
      }
    }
  } finally {
    client.destroy();
  }
  return { created, existing };
}

/** The CreateTable request for one configured table. */
export function createTableInput(name: string, table: DynamoDbTableConfig): CreateTableCommandInput {
  const throughput = (value: DynamoDbTableConfig['provisionedThroughput']) =>
    value === undefined
      ? undefined
      : { ReadCapacityUnits: value.readCapacityUnits, WriteCapacityUnits: value.writeCapacityUnits };
  const keys = (keySchema: DynamoDbTableConfig['keySchema']) =>
    keySchema.map((key) => ({ AttributeName: key.attributeName, KeyType: key.keyType }));
  const indexes = (list: DynamoDbTableConfig['globalSecondaryIndexes'], provisioned: boolean) =>
    list.length === 0
      ? undefined
      : list.map((index) => ({
          IndexName: index.indexName,
          KeySchema: keys(index.keySchema),
          Projection: {
            ProjectionType: index.projection.projectionType,
            ...(index.projection.nonKeyAttributes === undefined ? {} : { NonKeyAttributes: index.projection.nonKeyAttributes }),
          },
          ...(provisioned ? { ProvisionedThroughput: throughput(index.provisionedThroughput) } : {}),
        }));
  const provisioned = table.billingMode === 'PROVISIONED';
  return {
    TableName: name,
    KeySchema: keys(table.keySchema),
    AttributeDefinitions: table.attributeDefinitions.map((definition) => ({
      AttributeName: definition.attributeName,
      AttributeType: definition.attributeType,
    })),
    BillingMode: table.billingMode,
    ProvisionedThroughput: provisioned ? throughput(table.provisionedThroughput) : undefined,
    GlobalSecondaryIndexes: indexes(table.globalSecondaryIndexes, provisioned),
    LocalSecondaryIndexes: indexes(table.localSecondaryIndexes, false),
  };
}

/** A readable reason for an SDK or network failure (a refused connection has no message of its own). */
function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return [...new Set(error.errors.map((inner: unknown) => reason(inner)))].join('; ');
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const text = error.message === '' ? error.name : `${error.name}: ${error.message}`;
    return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
  }
  return String(error);
}
