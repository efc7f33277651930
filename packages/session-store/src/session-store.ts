/**
 * The SessionStore contract: sessions keyed by id, each with JSON data and a TTL. Every adapter
 * (memory, SQLite, Redis, DynamoDB) implements it and passes test/conformance/session-store.case.ts.
 */

/** A session's data: any JSON object. */
export type SessionData = Readonly<Record<string, unknown>>;

/** One stored session, as read. */
export interface Session<T extends SessionData = SessionData> {
  readonly id: string;
  readonly data: T;
  /** When the session expires, epoch ms. It is invisible from then on, even before any sweep. */
  readonly expiresAt: number;
}

/** What `create` did. */
export interface CreateResult<T extends SessionData = SessionData> {
  /** True when this call stored the session; false when a live one already existed. */
  readonly created: boolean;
  /** The session now stored: the new one, or the one that existed. */
  readonly session: Session<T>;
}

/** One page of `list`. */
export interface SessionPage<T extends SessionData = SessionData> {
  readonly sessions: readonly Session<T>[];
  /** Pass to the next `list` call; undefined on the last page. */
  readonly cursor: string | undefined;
}

export interface ListOptions {
  /**
   * Page size. Redis and DynamoDB treat it as a hint: a page may hold somewhat more (Redis) or
   * fewer (DynamoDB, expired items filtered) sessions; follow `cursor` until it is undefined.
   * @default 100
   */
  readonly limit?: number;
  /** The `cursor` of the previous page. */
  readonly cursor?: string;
}

/** What `increment` adds, and the session it starts from when there is none. */
export interface IncrementOptions<T extends SessionData = SessionData> {
  /**
   * Added to the field: any finite number, negative to count down.
   * @default 1
   */
  readonly by?: number;
  /**
   * The data of the session stored when no live session has the id; the field counts on from its
   * value here (0 when left out).
   */
  readonly initial: T;
  /** Further top-level keys merged in by the same write, e.g. a last-seen time. Not the field itself. */
  readonly patch?: Partial<T>;
  /** The TTL, restarted from now. */
  readonly ttlSeconds: number;
}

/**
 * A session store. Every method rejects with a SessionStoreError: `SWB_ERR_SESSION_STORE_INVALID`
 * for bad arguments (nothing is written), `SWB_ERR_SESSION_STORE_UNAVAILABLE` when the store cannot
 * be reached (the call may be retried).
 *
 * TTLs are in seconds (fractions allowed, > 0). Reads never return an expired session.
 */
export interface SessionStore {
  /** The adapter kind: `memory`, `sqlite`, `redis` or `dynamodb`. */
  readonly kind: string;
  /** The live session with this id, or undefined. */
  get<T extends SessionData = SessionData>(id: string): Promise<Session<T> | undefined>;
  /** Stores the session unconditionally, replacing any other, with a new TTL. */
  put<T extends SessionData>(id: string, data: T, ttlSeconds: number): Promise<Session<T>>;
  /** Stores the session only when no live session has this id (a conditional write). */
  create<T extends SessionData>(id: string, data: T, ttlSeconds: number): Promise<CreateResult<T>>;
  /**
   * Merges `patch` into a live session's data (top-level keys) atomically; with `ttlSeconds` the
   * TTL restarts from now, else it is kept. Undefined when there is no live session.
   */
  update<T extends SessionData = SessionData>(
    id: string,
    patch: Partial<T>,
    ttlSeconds?: number,
  ): Promise<Session<T> | undefined>;
  /**
   * Adds `by` to the number at top-level key `field` of the live session and merges `patch`, in one
   * atomic change (no concurrent change is lost), restarting the TTL; with no live session it stores
   * `initial` so changed. A counter in one call: memory and SQLite make one change, Redis and
   * DynamoDB two round trips (a read, then a conditional write). Resolves with the session as
   * stored. A field that holds something other than a number rejects, and nothing is written.
   */
  increment<T extends SessionData = SessionData>(
    id: string,
    field: string,
    options: IncrementOptions<T>,
  ): Promise<Session<T>>;
  /** Restarts a live session's TTL from now. False when there is no live session. */
  touch(id: string, ttlSeconds: number): Promise<boolean>;
  /** Deletes the session. True when a live session was deleted. */
  delete(id: string): Promise<boolean>;
  /** Live sessions, page by page, for admin use. The order is the adapter's. */
  list<T extends SessionData = SessionData>(options?: ListOptions): Promise<SessionPage<T>>;
  /** Releases connections, files and timers. Further calls fail. */
  close(): Promise<void>;
}
