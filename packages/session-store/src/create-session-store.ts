/**
 * createSessionStore(config): picks the adapter by `kind` and loads it with `await import()`, so
 * that an adapter's driver (native SQLite, ioredis, the AWS SDK) loads only when it is chosen.
 */
import type { DynamoDbSessionStoreOptions } from './dynamodb/dynamodb-session-store.js';
import type { MemorySessionStoreOptions } from './memory/memory-session-store.js';
import type { RedisSessionStoreOptions } from './redis/redis-session-store.js';
import type { SessionStore } from './session-store.js';
import type { SqliteSessionStoreOptions } from './sqlite/sqlite-session-store.js';

/** Which store, and its settings. */
export type SessionStoreConfig =
  | ({ readonly kind: 'memory' } & MemorySessionStoreOptions)
  | ({ readonly kind: 'sqlite' } & SqliteSessionStoreOptions)
  | ({ readonly kind: 'redis' } & RedisSessionStoreOptions)
  | ({ readonly kind: 'dynamodb' } & DynamoDbSessionStoreOptions);

export type SessionStoreKind = SessionStoreConfig['kind'];

export const sessionStoreKinds: readonly SessionStoreKind[] = ['memory', 'sqlite', 'redis', 'dynamodb'];

/** Opens the store; rejects with SWB_ERR_SESSION_STORE_UNAVAILABLE when it cannot be reached. */
export async function createSessionStore(config: SessionStoreConfig): Promise<SessionStore> {
  switch (config.kind) {
    case 'memory': {
      const { MemorySessionStore } = await import('./memory/memory-session-store.js');
      return new MemorySessionStore(config);
    }
    case 'sqlite': {
      const { SqliteSessionStore } = await import('./sqlite/sqlite-session-store.js');
      return new SqliteSessionStore(config);
    }
    case 'redis': {
      const { RedisSessionStore } = await import('./redis/redis-session-store.js');
      return RedisSessionStore.open(config);
    }
    case 'dynamodb': {
      const { DynamoDbSessionStore } = await import('./dynamodb/dynamodb-session-store.js');
      return DynamoDbSessionStore.open(config);
    }
    default: {
      const unknown: never = config;
      throw new TypeError(
        `unknown session store kind "${String((unknown as { kind: unknown }).kind)}"; expected one of ${sessionStoreKinds.join(', ')}`,
      );
    }
  }
}
