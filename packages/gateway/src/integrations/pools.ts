/**
 * The upstream sets of the HTTP integrations (upstreams/), owned here so that closing the gateway
 * closes every set, and so every connection pool, once its in-flight requests finish.
 */
import { UpstreamSet, type UpstreamSetOptions } from './upstreams/upstream-set.js';

export class BackendPools {
  readonly #upstreamSets: UpstreamSet[] = [];

  /** A new upstream set (several origins, ejection, retry) owned and closed by these pools. */
  upstreams(options: UpstreamSetOptions): UpstreamSet {
    const set = new UpstreamSet(options);
    this.#upstreamSets.push(set);
    return set;
  }

  async close(): Promise<void> {
    const sets = this.#upstreamSets.splice(0);
    await Promise.all(sets.map((set) => set.close()));
  }
}
