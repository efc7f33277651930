/**
 * One undici Pool per backend origin, shared by every integration that targets it, with
 * keep-alive on; and the upstream sets of HTTP integrations (upstreams/). Closing closes every pool
 * and set once its in-flight requests finish.
 */
import { Pool } from 'undici';
import { UpstreamSet, type UpstreamSetOptions } from './upstreams/upstream-set.js';

export class BackendPools {
  readonly #pools = new Map<string, Pool>();
  readonly #upstreamSets: UpstreamSet[] = [];

  /** A new upstream set (several origins, ejection, retry) owned and closed by these pools. */
  upstreams(options: UpstreamSetOptions): UpstreamSet {
    const set = new UpstreamSet(options);
    this.#upstreamSets.push(set);
    return set;
  }

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
    const sets = this.#upstreamSets.splice(0);
    await Promise.all([...pools.map((pool) => pool.close()), ...sets.map((set) => set.close())]);
  }
}
