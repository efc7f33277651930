/**
 * The in-process session store: a Map with expiry checked on every read and a sweep that drops
 * expired sessions. For tests and single-process backends; nothing survives a restart. Data is kept
 * as it survives JSON, and every call hands out a copy of its own; flat data (strings, numbers,
 * booleans, null) is copied without a JSON round trip.
 */
/* eslint-disable @typescript-eslint/require-await -- the contract is async; this store answers at once, and async turns a bad argument into a rejection */
import { checkIncrement, incremented } from '../increment.js';
import { flatCopy, type FlatData } from '../json-copy.js';
import type {
  CreateResult,
  IncrementOptions,
  ListOptions,
  Session,
  SessionData,
  SessionPage,
  SessionStore,
} from '../session-store.js';
import { checkId, checkLimit, checkOpen, checkTtl, encodeData, expiryOf } from '../validate.js';

export interface MemorySessionStoreOptions {
  /**
   * How often expired sessions are removed from memory (they are invisible from their expiry on).
   * @default 60000
   */
  readonly sweepIntervalMs?: number;
}

interface Entry {
  /** The stored data: a flat copy, or the JSON text of data with nested values. */
  data: FlatData | string;
  expiresAt: number;
}

export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory';
  readonly #entries = new Map<string, Entry>();
  readonly #sweep: NodeJS.Timeout;
  #closed = false;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#sweep = setInterval(() => {
      this.#sweepExpired();
    }, options.sweepIntervalMs ?? 60_000);
    this.#sweep.unref();
  }

  async get<T extends SessionData = SessionData>(id: string): Promise<Session<T> | undefined> {
    this.#check();
    checkId(id);
    const entry = this.#live(id, Date.now());
    return entry === undefined ? undefined : toSession<T>(id, entry);
  }

  async put<T extends SessionData>(id: string, data: T, ttlSeconds: number): Promise<Session<T>> {
    this.#check();
    checkId(id);
    checkTtl(ttlSeconds);
    const entry = { data: stored(data), expiresAt: expiryOf(ttlSeconds, Date.now()) };
    this.#entries.set(id, entry);
    return toSession<T>(id, entry);
  }

  async create<T extends SessionData>(id: string, data: T, ttlSeconds: number): Promise<CreateResult<T>> {
    this.#check();
    checkId(id);
    checkTtl(ttlSeconds);
    const value = stored(data);
    const now = Date.now();
    const existing = this.#live(id, now);
    if (existing !== undefined) return { created: false, session: toSession<T>(id, existing) };
    const entry = { data: value, expiresAt: expiryOf(ttlSeconds, now) };
    this.#entries.set(id, entry);
    return { created: true, session: toSession<T>(id, entry) };
  }

  async update<T extends SessionData = SessionData>(
    id: string,
    patch: Partial<T>,
    ttlSeconds?: number,
  ): Promise<Session<T> | undefined> {
    this.#check();
    checkId(id);
    if (ttlSeconds !== undefined) checkTtl(ttlSeconds);
    const value = stored(patch);
    const now = Date.now();
    const entry = this.#live(id, now);
    if (entry === undefined) return undefined;
    entry.data =
      typeof entry.data !== 'string' && typeof value !== 'string'
        ? { ...entry.data, ...value }
        : JSON.stringify({ ...(parsed(entry.data) as object), ...(parsed(value) as object) });
    if (ttlSeconds !== undefined) entry.expiresAt = expiryOf(ttlSeconds, now);
    return toSession<T>(id, entry);
  }

  async increment<T extends SessionData = SessionData>(
    id: string,
    field: string,
    options: IncrementOptions<T>,
  ): Promise<Session<T>> {
    this.#check();
    const change = checkIncrement(id, field, options);
    const now = Date.now();
    const current = this.#live(id, now);
    // `incremented` makes a new object, so a flat stored one is read as it is, without a copy.
    const base = current === undefined || typeof current.data !== 'string' ? current?.data : parsed(current.data);
    const data = incremented(base as SessionData | undefined, change);
    const entry = { data: stored(data), expiresAt: expiryOf(change.ttlSeconds, now) };
    this.#entries.set(id, entry);
    return toSession<T>(id, entry);
  }

  async touch(id: string, ttlSeconds: number): Promise<boolean> {
    this.#check();
    checkId(id);
    checkTtl(ttlSeconds);
    const now = Date.now();
    const entry = this.#live(id, now);
    if (entry === undefined) return false;
    entry.expiresAt = expiryOf(ttlSeconds, now);
    return true;
  }

  async delete(id: string): Promise<boolean> {
    this.#check();
    checkId(id);
    const live = this.#live(id, Date.now()) !== undefined;
    this.#entries.delete(id);
    return live;
  }

  async list<T extends SessionData = SessionData>(options: ListOptions = {}): Promise<SessionPage<T>> {
    this.#check();
    const limit = checkLimit(options.limit);
    const after = options.cursor;
    const now = Date.now();
    const ids = [...this.#entries.keys()].filter((id) => after === undefined || id > after).sort();
    const sessions: Session<T>[] = [];
    let more = false;
    for (const id of ids) {
      const entry = this.#live(id, now);
      if (entry === undefined) continue;
      if (sessions.length === limit) {
        more = true;
        break;
      }
      sessions.push(toSession<T>(id, entry));
    }
    return { sessions, cursor: more ? sessions.at(-1)?.id : undefined };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweep);
    this.#entries.clear();
    return;
  }

  #check(): void {
    checkOpen(this.#closed, this.kind);
  }

  #live(id: string, now: number): Entry | undefined {
    const entry = this.#entries.get(id);
    return entry !== undefined && entry.expiresAt > now ? entry : undefined;
  }

  #sweepExpired(): void {
    const now = Date.now();
    for (const [id, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(id);
  }
}

function toSession<T extends SessionData>(id: string, entry: Entry): Session<T> {
  return { id, data: parsed(entry.data) as T, expiresAt: entry.expiresAt };
}

/** A copy of stored data for a caller. */
function parsed(data: FlatData | string): unknown {
  return typeof data === 'string' ? JSON.parse(data) : { ...data };
}

/** What is stored for `data`: a flat copy when it has one, its JSON text otherwise (validated). */
function stored(data: unknown): FlatData | string {
  return flatCopy(data) ?? encodeData(data);
}
