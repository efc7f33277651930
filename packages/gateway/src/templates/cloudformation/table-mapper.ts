/**
 * Mapping a template's DynamoDB tables (AWS::DynamoDB::Table, AWS::Serverless::SimpleTable) into
 * `dynamodb.tables` entries, created at `dynamodb.endpoint` when the gateway starts. The table name
 * is TableName (parameters resolved) or else the logical id, which is also what `!Ref` gives here.
 * Values are carried over as they are; the config schema reports any that DynamoDB would refuse.
 */
import { isObject, text, type Properties } from './resource-mappers.js';

export const TABLE_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::Serverless::SimpleTable']);

/** SimpleTable's PrimaryKey types and their attribute types. */
const SIMPLE_TYPES: Readonly<Record<string, string>> = { String: 'S', Number: 'N', Binary: 'B' };

/** A table as `[name, dynamodb.tables entry]`, or undefined (with a warning) when it has no key. */
export function mapTable(
  table: { id: string; type: string; props: Properties },
  warnings: string[],
): [string, Record<string, unknown>] | undefined {
  const name = typeof table.props['TableName'] === 'string' ? table.props['TableName'] : table.id;
  const throughput = mapThroughput(table.props['ProvisionedThroughput']);
  if (table.type === 'AWS::Serverless::SimpleTable') {
    const key = isObject(table.props['PrimaryKey']) ? table.props['PrimaryKey'] : { Name: 'id', Type: 'String' };
    const attributeName = text(key['Name']);
    const attributeType = SIMPLE_TYPES[text(key['Type'])] ?? text(key['Type']);
    return [
      name,
      {
        keySchema: [{ attributeName, keyType: 'HASH' }],
        attributeDefinitions: [{ attributeName, attributeType }],
        ...(throughput === undefined
          ? { billingMode: 'PAY_PER_REQUEST' }
          : { billingMode: 'PROVISIONED', provisionedThroughput: throughput }),
      },
    ];
  }
  if (!Array.isArray(table.props['KeySchema'])) {
    warnings.push(`${table.id} (${table.type}): it has no KeySchema, so table ${name} cannot be created`);
    return undefined;
  }
  const billingMode =
    typeof table.props['BillingMode'] === 'string'
      ? table.props['BillingMode']
      : throughput === undefined
        ? 'PAY_PER_REQUEST'
        : 'PROVISIONED';
  const entry: Record<string, unknown> = {
    keySchema: mapKeySchema(table.props['KeySchema']),
    attributeDefinitions: list(table.props['AttributeDefinitions']).map((definition) => ({
      attributeName: definition['AttributeName'],
      attributeType: definition['AttributeType'],
    })),
    billingMode,
  };
  if (throughput !== undefined) entry['provisionedThroughput'] = throughput;
  const global = list(table.props['GlobalSecondaryIndexes']).map(mapIndex);
  if (global.length > 0) entry['globalSecondaryIndexes'] = global;
  const local = list(table.props['LocalSecondaryIndexes']).map(mapIndex);
  if (local.length > 0) entry['localSecondaryIndexes'] = local;
  return [name, entry];
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map((item) => (isObject(item) ? item : {})) : [];
}

function mapKeySchema(value: unknown): Record<string, unknown>[] {
  return list(value).map((key) => ({ attributeName: key['AttributeName'], keyType: key['KeyType'] }));
}

function mapThroughput(value: unknown): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined;
  return {
    readCapacityUnits: Number(value['ReadCapacityUnits']),
    writeCapacityUnits: Number(value['WriteCapacityUnits']),
  };
}

function mapIndex(index: Record<string, unknown>): Record<string, unknown> {
  const projection = isObject(index['Projection']) ? index['Projection'] : {};
  const throughput = mapThroughput(index['ProvisionedThroughput']);
  return {
    indexName: index['IndexName'],
    keySchema: mapKeySchema(index['KeySchema']),
    projection: {
      ...(projection['ProjectionType'] === undefined ? {} : { projectionType: projection['ProjectionType'] }),
      ...(projection['NonKeyAttributes'] === undefined ? {} : { nonKeyAttributes: projection['NonKeyAttributes'] }),
    },
    ...(throughput === undefined ? {} : { provisionedThroughput: throughput }),
  };
}
