/**
 * One undici Pool per backend origin, shared by every integration that targets it, with
 * keep-alive on. Closing the set closes every pool once its in-flight requests finish.
 */
import { Pool } from 'undici';

export class BackendPools {
  readonly #pools = new Map<string, Pool>();

  /** The pool for `origin` (`http://host:port`), made on first use. */
  get(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, { keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000, connect: { noDelay: true } });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}
