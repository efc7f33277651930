/**
 * The `dynamodb` section: a DynamoDB endpoint for local functions (e.g. DynamoDB Local) and the
 * tables to create there at startup, which a template's AWS::DynamoDB::Table resources fill in.
 * @see docs/lambda.md "DynamoDB"
 */
import { z } from 'zod';

const attributeName = z.string().min(1).max(255);

const keySchemaSchema = z
  .array(z.strictObject({ attributeName, keyType: z.enum(['HASH', 'RANGE']) }))
  .min(1)
  .max(2)
  .refine((keys) => keys[0]?.keyType === 'HASH' && keys.slice(1).every((key) => key.keyType === 'RANGE'), {
    error: 'a key is one HASH attribute, optionally followed by one RANGE attribute',
  });

const throughputSchema = z.strictObject({
  readCapacityUnits: z.int().min(1).describe('ReadCapacityUnits.'),
  writeCapacityUnits: z.int().min(1).describe('WriteCapacityUnits.'),
});

const indexSchema = z.strictObject({
  indexName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be 3-255 of A-Z a-z 0-9 _ . -'),
  keySchema: keySchemaSchema,
  projection: z
    .strictObject({
      projectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']).default('ALL'),
      nonKeyAttributes: z.array(attributeName).optional(),
    })
    .prefault({}),
  provisionedThroughput: throughputSchema.optional(),
});

export const dynamoDbTableSchema = z
  .strictObject({
    keySchema: keySchemaSchema.describe('KeySchema: `[{attributeName, keyType: HASH|RANGE}]`.'),
    attributeDefinitions: z
      .array(z.strictObject({ attributeName, attributeType: z.enum(['S', 'N', 'B']) }))
      .min(1)
      .describe('AttributeDefinitions: `[{attributeName, attributeType: S|N|B}]`, every key attribute.'),
    billingMode: z.enum(['PAY_PER_REQUEST', 'PROVISIONED']).default('PAY_PER_REQUEST').describe('BillingMode.'),
    provisionedThroughput: throughputSchema.optional().describe('ProvisionedThroughput, needed by `PROVISIONED`.'),
    globalSecondaryIndexes: z.array(indexSchema).default([]).describe('GlobalSecondaryIndexes.'),
    localSecondaryIndexes: z.array(indexSchema).default([]).describe('LocalSecondaryIndexes.'),
  })
  .superRefine((table, ctx) => {
    const defined = new Set(table.attributeDefinitions.map((definition) => definition.attributeName));
    const keys: [readonly (string | number)[], { attributeName: string }[]][] = [
      [['keySchema'], table.keySchema],
      ...table.globalSecondaryIndexes.map((index, i): [(string | number)[], { attributeName: string }[]] => [['globalSecondaryIndexes', i, 'keySchema'], index.keySchema]),
      ...table.localSecondaryIndexes.map((index, i): [(string | number)[], { attributeName: string }[]] => [['localSecondaryIndexes', i, 'keySchema'], index.keySchema]),
    ];
    for (const [path, keySchema] of keys)
      for (const key of keySchema)
        if (!defined.has(key.attributeName))
          ctx.addIssue({ code: 'custom', path: [...path], message: `key attribute "${key.attributeName}" is not in attributeDefinitions` });
    if (table.billingMode === 'PROVISIONED') {
      if (table.provisionedThroughput === undefined)
        ctx.addIssue({ code: 'custom', path: ['provisionedThroughput'], message: 'billingMode PROVISIONED needs provisionedThroughput' });
      table.globalSecondaryIndexes.forEach((index, i) => {
        if (index.provisionedThroughput === undefined)
          ctx.addIssue({ code: 'custom', path: ['globalSecondaryIndexes', i, 'provisionedThroughput'], message: 'billingMode PROVISIONED needs provisionedThroughput on every global secondary index' });
      });
    }
  });

export const dynamoDbSchema = z
  .strictObject({
    endpoint: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        'DynamoDB endpoint, e.g. DynamoDB Local at `http://127.0.0.1:8000`. Local functions get it as `AWS_ENDPOINT_URL_DYNAMODB` (unless their own environment sets one) and `tables` are created there at startup.',
      ),
    createTables: z
      .boolean()
      .default(true)
      .describe('Create `tables` at `endpoint` when the gateway starts (an existing table is left as it is); no effect without `endpoint`.'),
    tables: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a table name is 3-255 of A-Z a-z 0-9 _ . -'), dynamoDbTableSchema)
      .default({})
      .describe("Tables by name, as a template's AWS::DynamoDB::Table resources describe them (filled in from a template)."),
  })
  .prefault({})
  .describe('DynamoDB for local functions (docs/lambda.md).');

export type DynamoDbConfig = z.output<typeof dynamoDbSchema>;
export type DynamoDbTableConfig = z.output<typeof dynamoDbTableSchema>;
