/**
 * The SQLite session store (better-sqlite3, WAL): one table in a file that several processes on one
 * host may share, so a restarted backend finds its sessions. Expired rows are invisible at once and
 * deleted by a periodic sweep.
 */
/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; async turns every failure into a rejection */
import Database from 'better-sqlite3';
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

export interface SqliteSessionStoreOptions {
  /** Database file; created with its table when missing. `:memory:` keeps it in this process. */
  readonly path: string;
  /**
   * Table name (letters, digits and `_`).
   * @default 'sessions'
   */
  readonly table?: string;
  /**
   * How long a write waits for another process's lock before failing.
   * @default 5000
   */
  readonly busyTimeoutMs?: number;
  /**
   * How often expired rows are deleted.
   * @default 60000
   */
  readonly sweepIntervalMs?: number;
}

interface Row {
  id: string;
  data: string;
  expires_at: number;
}

/** How long to wait before trying an open again that another process's open made busy. */
const OPEN_RETRY_MS = 20;

/**
 * Opens the file in WAL mode with its table. Two replicas opening one new file at once can get
 * SQLITE_BUSY from the switch to WAL or the table's creation without SQLite's busy handler being
 * called, so a busy open is retried (closing the half-open handle) until the busy timeout runs out.
 */
function openDatabase(path: string, table: string, busyTimeoutMs: number): Database.Database {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    const db = new Database(path, { timeout: busyTimeoutMs });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
      );
      return db;
    } catch (error) {
      db.close();
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      // A synchronous pause: the store is opened once, at startup, and its constructor is synchronous.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, OPEN_RETRY_MS);
    }
  }
}

export class SqliteSessionStore implements SessionStore {
  readonly kind = 'sqlite';
  readonly #db: Database.Database;
  readonly #sweep: NodeJS.Timeout;
  readonly #statements;
  #closed = false;

  constructor(options: SqliteSessionStoreOptions) {
    const table = options.table ?? 'sessions';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table))
      throw unavailable(this.kind, 'open', new TypeError(`invalid table name "${table}"`));
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    try {
      this.#db = openDatabase(options.path, table, busyTimeoutMs);
    } catch (error) {
      throw unavailable(this.kind, `open ${options.path}`, error);
    }
    const db = this.#db;
    this.#statements = {
      get: db.prepare<[string, number], Row>(
        `SELECT id, data, expires_at FROM ${table} WHERE id = ? AND expires_at > ?`,
      ),
      put: db.prepare(
        `INSERT INTO ${table} (id, data, expires_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
      ),
      create: db.prepare(
        `INSERT INTO ${table} (id, data, expires_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at WHERE ${table}.expires_at <= ?`,
      ),
      update: db.prepare(`UPDATE ${table} SET data = ?, expires_at = ? WHERE id = ?`),
      touch: db.prepare(`UPDATE ${table} SET expires_at = ? WHERE id = ? AND expires_at > ?`),
      delete: db.prepare<[string], Row>(`DELETE FROM ${table} WHERE id = ? RETURNING id, data, expires_at`),
      list: db.prepare<[string, number, number], Row>(
        `SELECT id, data, expires_at FROM ${table} WHERE id > ? AND expires_at > ? ORDER BY id LIMIT ?`,
      ),
      sweep: db.prepare(`DELETE FROM ${table} WHERE expires_at <= ?`),
    };
    this.#sweep = setInterval(() => {
      try {
        this.#statements.sweep.run(Date.now());
      } catch {
        // A busy database is swept next time; expired rows are invisible anyway.
      }
    }, options.sweepIntervalMs ?? 60_000);
    this.#sweep.unref();
  }

  async get<T extends SessionData = SessionData>(id: string): Promise<Session<T> | undefined> {
    checkId(id);
    return this.#run('get', () => {
      const row = this.#statements.get.get(id, Date.now());
      return row === undefined ? undefined : toSession<T>(row);
    });
  }

  async put<T extends SessionData>(id: string, data: T, ttlSeconds: number): Promise<Session<T>> {
    checkId(id);
    checkTtl(ttlSeconds);
    const json = encodeData(data);
    return this.#run('put', () => {
      const expiresAt = expiryOf(ttlSeconds, Date.now());
      this.#statements.put.run(id, json, expiresAt);
      return { id, data: JSON.parse(json) as T, expiresAt };
    });
  }

  async create<T extends SessionData>(id: string, data: T, ttlSeconds: number): Promise<CreateResult<T>> {
    checkId(id);
    checkTtl(ttlSeconds);
    const json = encodeData(data);
    return this.#run('create', () =>
      this.#db
        .transaction((): CreateResult<T> => {
          const now = Date.now();
          const expiresAt = expiryOf(ttlSeconds, now);
          const { changes } = this.#statements.create.run(id, json, expiresAt, now);
          if (changes === 1)
            return { created: true, session: { id, data: JSON.parse(json) as T, expiresAt } };
          const row = this.#statements.get.get(id, now);
          if (row === undefined) throw new Error(`session ${id} vanished inside a transaction`);
          return { created: false, session: toSession<T>(row) };
        })
        .immediate(),
    );
  }

  async update<T extends SessionData = SessionData>(
    id: string,
    patch: Partial<T>,
    ttlSeconds?: number,
  ): Promise<Session<T> | undefined> {
    const patchData = checkedPatch(id, patch, ttlSeconds);
    return this.#run('update', () =>
      this.#db
        .transaction((): Session<T> | undefined => {
          const now = Date.now();
          const row = this.#statements.get.get(id, now);
          if (row === undefined) return undefined;
          const data = { ...(JSON.parse(row.data) as object), ...patchData } as unknown as T;
          const expiresAt = ttlSeconds === undefined ? row.expires_at : expiryOf(ttlSeconds, now);
          this.#statements.update.run(JSON.stringify(data), expiresAt, id);
          return { id, data, expiresAt };
        })
        .immediate(),
    );
  }

  async increment<T extends SessionData = SessionData>(
    id: string,
    field: string,
    options: IncrementOptions<T>,
  ): Promise<Session<T>> {
    const change = checkIncrement(id, field, options);
    return this.#run('increment', () =>
      this.#db
        .transaction((): Session<T> => {
          const now = Date.now();
          const row = this.#statements.get.get(id, now);
          const data = incremented(row === undefined ? undefined : (JSON.parse(row.data) as SessionData), change);
          const expiresAt = expiryOf(change.ttlSeconds, now);
          this.#statements.put.run(id, JSON.stringify(data), expiresAt);
          return { id, data: data as T, expiresAt };
        })
        .immediate(),
    );
  }

  async touch(id: string, ttlSeconds: number): Promise<boolean> {
    checkId(id);
    checkTtl(ttlSeconds);
    return this.#run('touch', () => {
      const now = Date.now();
      return this.#statements.touch.run(expiryOf(ttlSeconds, now), id, now).changes === 1;
    });
  }

  async delete(id: string): Promise<boolean> {
    checkId(id);
    return this.#run('delete', () => {
      const row = this.#statements.delete.get(id);
      return row !== undefined && row.expires_at > Date.now();
    });
  }

  async list<T extends SessionData = SessionData>(options: ListOptions = {}): Promise<SessionPage<T>> {
    const limit = checkLimit(options.limit);
    return this.#run('list', () => {
      const rows = this.#statements.list.all(options.cursor ?? '', Date.now(), limit + 1);
      const more = rows.length > limit;
      const sessions = rows.slice(0, limit).map((row) => toSession<T>(row));
      return { sessions, cursor: more ? sessions.at(-1)?.id : undefined };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweep);
    this.#db.close();
  }

  #run<R>(operation: string, fn: () => R): R {
    checkOpen(this.#closed, this.kind);
    try {
      return fn();
    } catch (error) {
      throw unavailable(this.kind, operation, error);
    }
  }
}

function toSession<T extends SessionData>(row: Row): Session<T> {
  return { id: row.id, data: JSON.parse(row.data) as T, expiresAt: row.expires_at };
}
