/**
 * The upstream sets of the HTTP integrations (upstreams/), owned here so that closing the gateway
 * closes every set, and so every connection pool, once its in-flight requests finish. When one set
 * learns that a replica is draining or refuses connections, the others hear of it at once (the
 * integrations of one backend share its replicas).
 */
import type { RefusalLogger } from './upstreams/refusal-policy.js';
import { UpstreamSet, type ReplicaLeftReason, type UpstreamPeers, type UpstreamSetOptions } from './upstreams/upstream-set.js';

export class BackendPools implements UpstreamPeers {
  readonly #upstreamSets: UpstreamSet[] = [];
  readonly #logger: RefusalLogger | undefined;

  /** `logger`: where upstream sets warn that every replica refuses. */
  constructor(logger?: RefusalLogger) {
    this.#logger = logger;
  }

  /** A new upstream set (several origins, ejection, retry) owned and closed by these pools. */
  upstreams(options: UpstreamSetOptions): UpstreamSet {
    const set = new UpstreamSet({ peers: this, ...(this.#logger === undefined ? {} : { logger: this.#logger }), ...options });
    this.#upstreamSets.push(set);
    return set;
  }

  replicaLeft(from: UpstreamSet, origin: string, reason: ReplicaLeftReason): void {
    for (const set of this.#upstreamSets) if (set !== from) set.replicaLeft(origin, reason);
  }

  async close(): Promise<void> {
    const sets = this.#upstreamSets.splice(0);
    await Promise.all(sets.map((set) => set.close()));
  }
}
