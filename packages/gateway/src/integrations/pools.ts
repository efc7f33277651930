/**
 * The upstream sets of the HTTP integrations (upstreams/), owned here so that closing the gateway
 * closes every set, and so every connection pool, once its in-flight requests finish.
 */
import type { RefusalLogger } from './upstreams/refusal-policy.js';
import { UpstreamSet, type UpstreamSetOptions } from './upstreams/upstream-set.js';

export class BackendPools {
  readonly #upstreamSets: UpstreamSet[] = [];
  readonly #logger: RefusalLogger | undefined;

  /** `logger`: where upstream sets warn that every replica refuses. */
  constructor(logger?: RefusalLogger) {
    this.#logger = logger;
  }

  /** A new upstream set (several origins, ejection, retry) owned and closed by these pools. */
  upstreams(options: UpstreamSetOptions): UpstreamSet {
    const set = new UpstreamSet(this.#logger === undefined ? options : { logger: this.#logger, ...options });
    this.#upstreamSets.push(set);
    return set;
  }

  async close(): Promise<void> {
    const sets = this.#upstreamSets.splice(0);
    await Promise.all(sets.map((set) => set.close()));
  }
}
