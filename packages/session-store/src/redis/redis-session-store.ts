/**
 * The Redis session store (ioredis): one string key per session, JSON `{d: data, e: expiresAt}`,
 * expired by Redis itself (PX). Updates are a compare-and-set script, so concurrent writers never
 * lose each other's changes. While Redis is down every call fails at once with
 * SWB_ERR_SESSION_STORE_UNAVAILABLE, and the client reconnects by itself.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { unavailable } from '../errors.js';
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

export interface RedisSessionStoreOptions {
  /**
   * Redis URL, e.g. `redis://127.0.0.1:6379/0`.
   * @default 'redis://127.0.0.1:6379'
   */
  readonly url?: string;
  /**
   * Prefix of every key, so several apps can share one Redis.
   * @default 'swb:session:'
   */
  readonly keyPrefix?: string;
  /**
   * Longest wait for one command before it fails.
   * @default 2000
   */
  readonly commandTimeoutMs?: number;
  /**
   * Longest wait between reconnection attempts while Redis is down.
   * @default 1000
   */
  readonly maxReconnectDelayMs?: number;
  /** Further ioredis options, applied last. */
  readonly redisOptions?: RedisOptions;
}

/** Replaces KEYS[1] only if it still holds ARGV[1]; ARGV[3] is a PX in ms, or 0 to keep the TTL. */
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '0' then redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`;

/** Attempts of a compare-and-set before an update gives up on a hot key. */
const MAX_CAS_ATTEMPTS = 16;

interface Stored {
  d: SessionData;
  e: number;
}

export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis';
  readonly #client: Redis;
  readonly #prefix: string;
  #closed = false;

  private constructor(client: Redis, prefix: string) {
    this.#client = client;
    this.#prefix = prefix;
  }

  /** Connects and resolves once Redis answers; rejects with SWB_ERR_SESSION_STORE_UNAVAILABLE when it cannot. */
  static async open(options: RedisSessionStoreOptions = {}): Promise<RedisSessionStore> {
    const maxDelay = options.maxReconnectDelayMs ?? 1000;
    const client = new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      retryStrategy: (times) => Math.min(times * 100, maxDelay),
      ...options.redisOptions,
    });
    // Failures surface on each call; the 'error' event would otherwise crash the process.
    client.on('error', () => undefined);
    client.defineCommand('swbCompareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw unavailable('redis', `connect to ${options.url ?? 'redis://127.0.0.1:6379'}`, error);
    }
    return new RedisSessionStore(client, options.keyPrefix ?? 'swb:session:');
  }

  async get<T extends SessionData = SessionData>(id: string): Promise<Session<T> | undefined> {
    checkId(id);
    const raw = await this.#call('get', () => this.#client.get(this.#prefix + id));
    return raw === null ? undefined : toSession<T>(id, raw);
  }

  async put<T extends SessionData>(id: string, data: T, ttlSeconds: number): Promise<Session<T>> {
    checkId(id);
    checkTtl(ttlSeconds);
    const json = encodeData(data);
    const expiresAt = expiryOf(ttlSeconds, Date.now());
    await this.#call('put', () =>
      this.#client.set(this.#prefix + id, stored(json, expiresAt), 'PX', Math.ceil(ttlSeconds * 1000)),
    );
    return { id, data: JSON.parse(json) as T, expiresAt };
  }

  async create<T extends SessionData>(id: string, data: T, ttlSeconds: number): Promise<CreateResult<T>> {
    checkId(id);
    checkTtl(ttlSeconds);
    const json = encodeData(data);
    const expiresAt = expiryOf(ttlSeconds, Date.now());
    const previous = await this.#call('create', () =>
      this.#client.set(
        this.#prefix + id,
        stored(json, expiresAt),
        'PX',
        Math.ceil(ttlSeconds * 1000),
        'NX',
        'GET',
      ),
    );
    if (previous === null) return { created: true, session: { id, data: JSON.parse(json) as T, expiresAt } };
    return { created: false, session: toSession<T>(id, previous) };
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
      (current) => (current === undefined ? undefined : { ...current, ...patchData }),
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
      (current) => incremented(current, change),
      change.ttlSeconds,
    );
    return session as Session<T>; // never undefined: the change always gives data
  }

  async touch(id: string, ttlSeconds: number): Promise<boolean> {
    checkId(id);
    checkTtl(ttlSeconds);
    return (await this.#compareAndSet('touch', id, (current) => current, ttlSeconds)) !== undefined;
  }

  async delete(id: string): Promise<boolean> {
    checkId(id);
    return (await this.#call('delete', () => this.#client.del(this.#prefix + id))) === 1;
  }

  async list<T extends SessionData = SessionData>(options: ListOptions = {}): Promise<SessionPage<T>> {
    const limit = checkLimit(options.limit);
    const [next, keys] = await this.#call('list', () =>
      this.#client.scan(options.cursor ?? '0', 'MATCH', `${escapeGlob(this.#prefix)}*`, 'COUNT', limit),
    );
    const values = keys.length === 0 ? [] : await this.#call('list', () => this.#client.mget(keys));
    const sessions: Session<T>[] = [];
    keys.forEach((key, i) => {
      const raw = values[i];
      if (raw !== null && raw !== undefined) sessions.push(toSession<T>(key.slice(this.#prefix.length), raw));
    });
    return { sessions, cursor: next === '0' ? undefined : next };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }

  /**
   * Writes `change` of the session's data (undefined when there is no session) only if the key still
   * holds what was read, or is still absent; reads and tries again on a conflict. A change that gives
   * undefined writes nothing. Without `ttlSeconds` the TTL is kept (a change that creates has one).
   */
  async #compareAndSet<T extends SessionData>(
    operation: string,
    id: string,
    change: (data: SessionData | undefined) => SessionData | undefined,
    ttlSeconds: number | undefined,
  ): Promise<Session<T> | undefined> {
    const key = this.#prefix + id;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt += 1) {
      const raw = await this.#call(operation, () => this.#client.get(key));
      const current = raw === null ? undefined : (JSON.parse(raw) as Stored);
      const data = change(current?.d);
      if (data === undefined) return undefined;
      const expiresAt =
        ttlSeconds === undefined && current !== undefined ? current.e : expiryOf(ttlSeconds ?? 0, Date.now());
      const next = stored(JSON.stringify(data), expiresAt);
      const px = ttlSeconds === undefined ? '0' : String(Math.ceil(ttlSeconds * 1000));
      const written =
        raw === null
          ? (await this.#call(operation, () => this.#client.set(key, next, 'PX', px, 'NX'))) === 'OK'
          : (await this.#call(operation, () =>
              (this.#client as unknown as RedisWithScripts).swbCompareAndSet(key, raw, next, px),
            )) === 1;
      if (written) return { id, data: data as T, expiresAt };
    }
    throw unavailable(
      this.kind,
      operation,
      new Error(`session ${id} kept changing during ${MAX_CAS_ATTEMPTS} attempts`),
    );
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

interface RedisWithScripts {
  swbCompareAndSet(key: string, expected: string, next: string, px: string): Promise<number>;
}

function stored(json: string, expiresAt: number): string {
  return `{"d":${json},"e":${expiresAt}}`;
}

function toSession<T extends SessionData>(id: string, raw: string): Session<T> {
  const value = JSON.parse(raw) as Stored;
  return { id, data: value.d as T, expiresAt: value.e };
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
