/**
 * The DynamoDB session store (AWS SDK v3): one item per session with the data as a JSON string,
 * the expiry in ms for exact reads, and the TTL attribute in epoch seconds so DynamoDB deletes
 * expired items. Writes are conditional; it can create the table and enable TTL on start.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  ScanCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type AttributeValue,
  type DynamoDBClientConfig,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { SessionStoreError, unavailable } from '../errors.js';
import { checkIncrement, incremented } from '../increment.js';
import type {
  CreateResult,
  IncrementOptions,
  ListOptions,
  Session,
  SessionData,
  SessionPage,
  SessionStore,
} from '../session-store.js';
import { checkedPatch } from '../json-copy.js';
import { checkId, checkLimit, checkOpen, checkTtl, encodeData, expiryOf } from '../validate.js';

export interface DynamoDbSessionStoreOptions {
  /** Table name. */
  readonly table: string;
  /**
   * Name of the partition key attribute (a string).
   * @default 'id'
   */
  readonly keyAttribute?: string;
  /**
   * Name of the TTL attribute (epoch seconds), the one `UpdateTimeToLive` names.
   * @default 'expiresAt'
   */
  readonly ttlAttribute?: string;
  /**
   * Create the table (on-demand billing) when it does not exist, and enable TTL on it.
   * @default false
   */
  readonly createTable?: boolean;
  /** Endpoint, e.g. `http://127.0.0.1:8000` for DynamoDB Local; default AWS's for the region. */
  readonly endpoint?: string;
  /**
   * Region.
   * @default process's AWS config, else 'us-east-1'
   */
  readonly region?: string;
  /** Further client settings (credentials, retries), applied last. */
  readonly clientConfig?: DynamoDBClientConfig;
}

/** Attribute holding the expiry in epoch ms; reads compare against it, so expiry is exact. */
const EXPIRES_MS = 'swbExpiresAtMs';
/** Attribute holding the JSON data. */
const DATA = 'swbData';
/** Attribute incremented on each write, for optimistic updates. */
const VERSION = 'swbVersion';
const MAX_UPDATE_ATTEMPTS = 16;

type Item = Record<string, AttributeValue>;

export class DynamoDbSessionStore implements SessionStore {
  readonly kind = 'dynamodb';
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #key: string;
  readonly #ttl: string;
  #closed = false;

  private constructor(client: DynamoDBClient, options: DynamoDbSessionStoreOptions) {
    this.#client = client;
    this.#table = options.table;
    this.#key = options.keyAttribute ?? 'id';
    this.#ttl = options.ttlAttribute ?? 'expiresAt';
  }

  /** Checks the table (creating it and enabling TTL when asked) and resolves with a ready store. */
  static async open(options: DynamoDbSessionStoreOptions): Promise<DynamoDbSessionStore> {
    const client = new DynamoDBClient({
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
      ...options.clientConfig,
    });
    const store = new DynamoDbSessionStore(client, options);
    try {
      await store.#prepareTable(options.createTable ?? false);
    } catch (error) {
      client.destroy();
      throw unavailable('dynamodb', `open table ${options.table}`, error);
    }
    return store;
  }

  async get<T extends SessionData = SessionData>(id: string): Promise<Session<T> | undefined> {
    checkId(id);
    const item = await this.#getItem('get', id);
    return item === undefined ? undefined : this.#live<T>(item, Date.now());
  }

  async put<T extends SessionData>(id: string, data: T, ttlSeconds: number): Promise<Session<T>> {
    checkId(id);
    checkTtl(ttlSeconds);
    const json = encodeData(data);
    const expiresAt = expiryOf(ttlSeconds, Date.now());
    await this.#call('put', () =>
      this.#client.send(
        new PutItemCommand({ TableName: this.#table, Item: this.#item(id, json, expiresAt, 1) }),
      ),
    );
    return { id, data: JSON.parse(json) as T, expiresAt };
  }

  async create<T extends SessionData>(id: string, data: T, ttlSeconds: number): Promise<CreateResult<T>> {
    checkId(id);
    checkTtl(ttlSeconds);
    const json = encodeData(data);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt += 1) {
      const now = Date.now();
      const expiresAt = expiryOf(ttlSeconds, now);
      try {
        await this.#client.send(
          new PutItemCommand({
            TableName: this.#table,
            Item: this.#item(id, json, expiresAt, 1),
            ...this.#absentOrExpired(now),
          }),
        );
        return { created: true, session: { id, data: JSON.parse(json) as T, expiresAt } };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException))
          throw unavailable(this.kind, 'create', error);
      }
      const existing = await this.#getItem('create', id);
      const session = existing === undefined ? undefined : this.#live<T>(existing, Date.now());
      // Gone or expired between the two calls: try the conditional write again.
      if (session !== undefined) return { created: false, session };
    }
    throw unavailable(
      this.kind,
      'create',
      new Error(`session ${id} kept changing during ${MAX_UPDATE_ATTEMPTS} attempts`),
    );
  }

  async update<T extends SessionData = SessionData>(
    id: string,
    patch: Partial<T>,
    ttlSeconds?: number,
  ): Promise<Session<T> | undefined> {
    const patchData = checkedPatch(id, patch, ttlSeconds);
    return this.#compareAndSet<T>(
      'update',
      id,
      (data) => (data === undefined ? undefined : { ...data, ...patchData }),
      ttlSeconds,
    );
  }

  async increment<T extends SessionData = SessionData>(
    id: string,
    field: string,
    options: IncrementOptions<T>,
  ): Promise<Session<T>> {
    const change = checkIncrement(id, field, options);
    const session = await this.#compareAndSet<T>(
      'increment',
      id,
      (data) => incremented(data, change),
      change.ttlSeconds,
    );
    return session as Session<T>; // never undefined: the change always gives data
  }

  async touch(id: string, ttlSeconds: number): Promise<boolean> {
    checkId(id);
    checkTtl(ttlSeconds);
    return (await this.#compareAndSet('touch', id, (data) => data, ttlSeconds)) !== undefined;
  }

  async delete(id: string): Promise<boolean> {
    checkId(id);
    const result = await this.#call('delete', () =>
      this.#client.send(
        new DeleteItemCommand({
          TableName: this.#table,
          Key: { [this.#key]: { S: id } },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return result.Attributes !== undefined && this.#live(result.Attributes, Date.now()) !== undefined;
  }

  async list<T extends SessionData = SessionData>(options: ListOptions = {}): Promise<SessionPage<T>> {
    const limit = checkLimit(options.limit);
    const start = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const now = Date.now();
    const result = await this.#call('list', () =>
      this.#client.send(
        new ScanCommand({
          TableName: this.#table,
          Limit: limit,
          ConsistentRead: true,
          FilterExpression: '#ms > :now',
          ExpressionAttributeNames: { '#ms': EXPIRES_MS },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      ),
    );
    const sessions = (result.Items ?? []).flatMap((item) => this.#live<T>(item, now) ?? []);
    const last = result.LastEvaluatedKey;
    return {
      sessions,
      cursor: last === undefined ? undefined : Buffer.from(JSON.stringify(last)).toString('base64url'),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.destroy();
    return Promise.resolve();
  }

  async #prepareTable(create: boolean): Promise<void> {
    try {
      await this.#client.send(new DescribeTableCommand({ TableName: this.#table }));
      return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException) || !create) throw error;
    }
    await this.#client.send(
      new CreateTableCommand({
        TableName: this.#table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: this.#key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: this.#key, KeyType: 'HASH' }],
      }),
    );
    await waitUntilTableExists(
      { client: this.#client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
      { TableName: this.#table },
    );
    await this.#client.send(
      new UpdateTimeToLiveCommand({
        TableName: this.#table,
        TimeToLiveSpecification: { AttributeName: this.#ttl, Enabled: true },
      }),
    );
  }

  /**
   * Writes `change` of the session's data (undefined when there is no live session) only if the item
   * is still the version read, or still absent or expired; reads and tries again on a conflict. A
   * change that gives undefined writes nothing. Without `ttlSeconds` the TTL is kept (a change that
   * creates has one).
   */
  async #compareAndSet<T extends SessionData>(
    operation: string,
    id: string,
    change: (data: SessionData | undefined) => SessionData | undefined,
    ttlSeconds: number | undefined,
  ): Promise<Session<T> | undefined> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt += 1) {
      const item = await this.#getItem(operation, id);
      const now = Date.now();
      const current = item === undefined ? undefined : this.#live(item, now);
      const data = change(current?.data);
      if (data === undefined) return undefined;
      // Versions keep rising through an expired item, so a writer that read its old incarnation fails.
      const version = Number(item?.[VERSION]?.N ?? '0');
      const expiresAt =
        ttlSeconds === undefined && current !== undefined ? current.expiresAt : expiryOf(ttlSeconds ?? 0, now);
      try {
        await this.#client.send(
          new PutItemCommand({
            TableName: this.#table,
            Item: this.#item(id, JSON.stringify(data), expiresAt, version + 1),
            ...(current === undefined ? this.#absentOrExpired(now) : versionIs(version)),
          }),
        );
        return { id, data: data as T, expiresAt };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException))
          throw unavailable(this.kind, operation, error);
      }
    }
    throw unavailable(
      this.kind,
      operation,
      new Error(`session ${id} kept changing during ${MAX_UPDATE_ATTEMPTS} attempts`),
    );
  }

  async #getItem(operation: string, id: string): Promise<Item | undefined> {
    const result = await this.#call(operation, () =>
      this.#client.send(
        new GetItemCommand({ TableName: this.#table, Key: { [this.#key]: { S: id } }, ConsistentRead: true }),
      ),
    );
    return result.Item;
  }

  /** The condition of a write that creates: no item, or only an expired one, has the id. */
  #absentOrExpired(now: number): WriteCondition {
    return {
      ConditionExpression: 'attribute_not_exists(#k) OR #ms <= :now',
      ExpressionAttributeNames: { '#k': this.#key, '#ms': EXPIRES_MS },
      ExpressionAttributeValues: { ':now': { N: String(now) } },
    };
  }

  #item(id: string, json: string, expiresAt: number, version: number): Item {
    return {
      [this.#key]: { S: id },
      [DATA]: { S: json },
      [EXPIRES_MS]: { N: String(expiresAt) },
      [this.#ttl]: { N: String(Math.ceil(expiresAt / 1000)) },
      [VERSION]: { N: String(version) },
    };
  }

  #live<T extends SessionData>(item: Item, now: number): Session<T> | undefined {
    const expiresAt = Number(item[EXPIRES_MS]?.N ?? '0');
    const id = item[this.#key]?.S;
    const json = item[DATA]?.S;
    if (expiresAt <= now || id === undefined || json === undefined) return undefined;
    return { id, data: JSON.parse(json) as T, expiresAt };
  }

  async #call<R>(operation: string, fn: () => Promise<R>): Promise<R> {
    checkOpen(this.#closed, this.kind);
    try {
      return await fn();
    } catch (error) {
      throw unavailable(this.kind, operation, error);
    }
  }
}

type WriteCondition = Pick<
  PutItemCommandInput,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/** The condition of a compare-and-set: the item is still the version that was read. */
function versionIs(version: number): WriteCondition {
  return {
    ConditionExpression: '#v = :v',
    ExpressionAttributeNames: { '#v': VERSION },
    ExpressionAttributeValues: { ':v': { N: String(version) } },
  };
}

function decodeCursor(cursor: string): Item {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Item;
  } catch {
    // reported below
  }
  throw new SessionStoreError('SWB_ERR_SESSION_STORE_INVALID', 'list cursor is not one this store returned');
}
