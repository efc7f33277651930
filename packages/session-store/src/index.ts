/**
 * @switchboard/session-store: sessions with a TTL for stateless WebSocket backends, behind one
 * contract, with memory, SQLite, Redis and DynamoDB adapters loaded only when chosen.
 */
export type {
  CreateResult,
  IncrementOptions,
  ListOptions,
  Session,
  SessionData,
  SessionPage,
  SessionStore,
} from './session-store.js';
export {
  createSessionStore,
  sessionStoreKinds,
  type SessionStoreConfig,
  type SessionStoreKind,
} from './create-session-store.js';
export { SessionStoreError, type SessionStoreErrorCode } from './errors.js';
export type { MemorySessionStoreOptions } from './memory/memory-session-store.js';
export type { SqliteSessionStoreOptions } from './sqlite/sqlite-session-store.js';
export type { RedisSessionStoreOptions } from './redis/redis-session-store.js';
export type { DynamoDbSessionStoreOptions } from './dynamodb/dynamodb-session-store.js';
