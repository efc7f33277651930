/**
 * The upstreams of one integration: round-robin over those in rotation, ejection and probing,
 * DNS re-resolution on a schedule, and the safe retry of requests that were never delivered,
 * within the integration timeout (when every upstream refuses, refusal-policy.ts decides whether
 * to wait). Every retry, ejection and return is published on diagnostics channels. http-proxy.ts
 * shapes each request; this module only decides where it goes.
 * @see docs/backends.md
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { UpstreamConfig } from '../../config/upstream.js';
import { channels } from '../../diagnostics.js';
import { GatewayError } from '../../errors.js';
import { needsResolution, resolveAddresses, unresolved } from './address-resolver.js';
import { atUpstream } from './failed-upstream.js';
import type { BackendPoolOptions, BackendRequest, BackendResponse } from '../http1/backend-pool.js';
import { isDrainingResponse, undeliveredError, type UndeliveredReason } from './never-delivered.js';
import { RefusalPolicy, type RefusalLogger } from './refusal-policy.js';
import { Upstream, type UpstreamAddress } from './upstream.js';

/** One request, as an integration shaped it; the upstream's pool adds Host and Content-Length. */
export type UpstreamRequest = BackendRequest;

/**
 * The other upstream sets of the gateway (BackendPools). A replica that says it is draining, or
 * refuses connections, does so for every integration that sends to it: the set that learns it
 * passes it on, so that the others stop sending there too, before the replica closes the
 * keep-alive connections they would otherwise still use.
 */
export interface UpstreamPeers {
  /** `from` ejected the upstream at `origin` because it is draining or refused the connection. */
  replicaLeft(from: UpstreamSet, origin: string, reason: ReplicaLeftReason): void;
}

/** The ejection reasons that concern the replica (every integration), not one request or path. */
export type ReplicaLeftReason = Extract<UndeliveredReason, 'draining' | 'refused'>;

export interface UpstreamSetOptions {
  /** Integration name, for diagnostics. */
  readonly integration: string;
  /** Configured origins (`http://host:port`), in order. */
  readonly origins: readonly string[];
  readonly settings: UpstreamConfig;
  /** Where the warning goes when every upstream refuses (refusal-policy.ts). */
  readonly logger?: RefusalLogger;
  /** Told when a replica leaves (draining, refusing), to tell the other sets. */
  readonly peers?: UpstreamPeers;
}

/** A configured origin and the upstreams it resolved to. */
interface Target {
  readonly origin: string;
  upstreams: Upstream[];
}

const NONE_TRIED: Set<Upstream> = new Set();

export class UpstreamSet {
  readonly #integration: string;
  readonly #settings: UpstreamConfig;
  readonly #targets: Target[];
  /** Every upstream of every target, in a stable order. */
  #all: Upstream[] = [];
  #next = 0;
  readonly #timers: NodeJS.Timeout[] = [];
  #probing = false;
  #closed = false;
  readonly #refusals: RefusalPolicy;
  readonly #peers: UpstreamPeers | undefined;

  constructor(options: UpstreamSetOptions) {
    this.#integration = options.integration;
    this.#settings = options.settings;
    this.#refusals = new RefusalPolicy(options.integration, options.logger);
    this.#peers = options.peers;
    const pool = poolOptions(options.settings);
    this.#targets = options.origins.map((origin) => ({
      origin,
      upstreams: [new Upstream(unresolved(origin), pool)],
    }));
    this.#rebuild();
    const probe = setInterval(() => void this.#probeEjected(), options.settings.probeIntervalMs);
    probe.unref();
    this.#timers.push(probe);
    if (options.settings.dnsRefreshMs > 0 && this.#targets.some((t) => needsResolution(t.origin))) {
      void this.#refreshDns();
      const dns = setInterval(() => void this.#refreshDns(), options.settings.dnsRefreshMs);
      dns.unref();
      this.#timers.push(dns);
    }
  }

  /** The upstreams now known, for tests and diagnostics. */
  get upstreams(): readonly Upstream[] {
    return this.#all;
  }

  /**
   * Sends the request to the next upstream in rotation. When it was never delivered, the upstream
   * is ejected and the request goes to another one (or, once all were tried, to the next after a
   * short backoff) until `timeoutMs` runs out. A request that may have been processed is never
   * resent. When every upstream refused the connection and none has answered for `timeoutMs`, the
   * request fails at once (refusal-policy.ts).
   */
  async request(request: UpstreamRequest, timeoutMs: number): Promise<BackendResponse> {
    const startedAt = Date.now();
    const deadline = startedAt + timeoutMs;
    // Retries stop at the retry budget, when one is set, or else at the integration timeout.
    const budget = this.#settings.retry.budgetMs;
    const retryDeadline = budget > 0 && budget < timeoutMs ? startedAt + budget : deadline;
    // Shared and empty until a first failure, so the common path allocates no set.
    let tried: Set<Upstream> = NONE_TRIED;
    let backoff = this.#settings.retry.backoffMs;
    // Whether every upstream tried in this round refused the connection.
    let allRefused = true;
    for (let attempt = 1; ; attempt += 1) {
      const upstream = this.#pick(tried);
      // The first attempt has the whole timeout; a retry what is left of it.
      const remaining = attempt === 1 ? timeoutMs : deadline - Date.now();
      let reason: UndeliveredReason | undefined;
      let failure: unknown;
      // Only the outcome of a request sent since the upstream's latest ejection changes its health.
      const generation = upstream.generation;
      try {
        const response = await upstream.request(request, remaining);
        if (!isDrainingResponse(response.statusCode, response.headers)) {
          if (upstream.succeeded(generation)) this.#publishReturn(upstream);
          // No clock read on this path: when the request started is recent enough.
          this.#refusals.answered(startedAt);
          return response;
        }
        this.#refusals.answered(Date.now());
        reason = 'draining';
        failure = new GatewayError(
          'SWB_ERR_BACKEND_UNREACHABLE',
          `backend ${upstream.origin} is draining (503)`,
        );
      } catch (error) {
        // The failure names the replica it happened at (messages, logs, diagnostics).
        failure = atUpstream(error, upstream.origin);
        reason = undeliveredError(error);
        if (reason === undefined) {
          if (upstream.failed(generation, this.#settings.ejectAfterFailures))
            this.#publishEjection(upstream, 'failures');
          throw failure;
        }
      }
      atUpstream(failure, upstream.origin);
      if (upstream.eject()) {
        this.#publishEjection(upstream, reason);
        if (reason === 'draining' || reason === 'refused') this.#peers?.replicaLeft(this, upstream.origin, reason);
      }
      if (tried === NONE_TRIED) tried = new Set();
      tried.add(upstream);
      if (!this.#settings.retry.enabled || this.#closed) throw failure;
      if (reason !== 'refused') allRefused = false;
      // Every upstream tried once already: wait a little before going round again.
      if (this.#untried(tried) === undefined) {
        // All refused: nothing listens. Wait only for a replica that answered lately (restarting).
        if (allRefused && !this.#refusals.keepWaiting([...tried].map((u) => u.origin), timeoutMs)) throw failure;
        allRefused = true;
        const wait = Math.min(backoff, this.#settings.retry.maxBackoffMs, retryDeadline - Date.now());
        backoff *= 2;
        tried.clear();
        if (wait > 0) await sleep(wait);
      }
      if (Date.now() >= retryDeadline) throw failure;
      channels.upstreamRetry.publish({
        integration: this.#integration,
        attempt,
        origin: upstream.origin,
        reason,
      });
    }
  }

  /**
   * Another set learned that the replica at `origin` is draining or refuses connections: eject it
   * here too (its probe brings it back). Answers to requests sent before count for nothing.
   */
  replicaLeft(origin: string, reason: ReplicaLeftReason): void {
    for (const upstream of this.#all)
      if (upstream.origin === origin && upstream.eject()) this.#publishEjection(upstream, reason);
  }

  /** Stops timers and closes every pool once its requests finish. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    await Promise.all(this.#all.map((u) => u.close()));
  }

  /** Stops timers and aborts every pool. */
  async destroy(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    await Promise.all(this.#all.map((u) => u.destroy()));
  }

  /** The next upstream in rotation not yet tried; else any not tried; else the next of all. */
  #pick(tried: ReadonlySet<Upstream>): Upstream {
    const all = this.#all;
    const count = all.length;
    for (let i = 0; i < count; i += 1) {
      const candidate = all[(this.#next + i) % count];
      if (candidate !== undefined && !candidate.ejected && !tried.has(candidate)) {
        this.#next = (this.#next + i + 1) % count;
        return candidate;
      }
    }
    // Nothing healthy is left to try: send to an ejected upstream rather than fail, since a
    // replica may be back before its probe notices (a single replica restarting).
    const untried = this.#untried(tried);
    const chosen = untried ?? all[this.#next % count];
    this.#next = (this.#next + 1) % count;
    if (chosen === undefined)
      throw new GatewayError(
        'SWB_ERR_BACKEND_UNREACHABLE',
        `integration ${this.#integration} has no upstream`,
      );
    return chosen;
  }

  #untried(tried: ReadonlySet<Upstream>): Upstream | undefined {
    return this.#all.find((u) => !tried.has(u));
  }

  #rebuild(): void {
    this.#all = this.#targets.flatMap((t) => t.upstreams);
  }

  async #probeEjected(): Promise<void> {
    if (this.#probing || this.#closed) return;
    this.#probing = true;
    try {
      const timeout = Math.max(100, Math.min(this.#settings.probeIntervalMs, 2_000));
      await Promise.all(
        this.#all
          .filter((u) => u.ejected)
          .map(async (u) => {
            const generation = u.generation;
            if (
              (await u.probe(this.#settings.probePath, timeout)) &&
              !this.#closed &&
              u.ejected &&
              u.succeeded(generation)
            ) {
              this.#refusals.answered(Date.now());
              this.#publishReturn(u);
            }
          }),
      );
    } finally {
      this.#probing = false;
    }
  }

  async #refreshDns(): Promise<void> {
    const pool = poolOptions(this.#settings);
    const retired: Upstream[] = [];
    for (const target of this.#targets) {
      if (!needsResolution(target.origin)) continue;
      let addresses: UpstreamAddress[];
      try {
        addresses = await resolveAddresses(target.origin);
      } catch {
        continue; // DNS is down: keep the upstreams we have.
      }
      if (this.#closed || addresses.length === 0) return;
      const known = new Map(target.upstreams.map((u) => [u.origin, u]));
      const next = addresses.map((address) => known.get(address.origin) ?? new Upstream(address, pool));
      for (const upstream of target.upstreams) if (!next.includes(upstream)) retired.push(upstream);
      target.upstreams = next;
    }
    this.#rebuild();
    // Gone from DNS: finish what is in flight there, then close.
    await Promise.all(retired.map((u) => u.close()));
  }

  #publishEjection(upstream: Upstream, reason: UndeliveredReason | 'failures'): void {
    if (channels.upstreamEjection.hasSubscribers)
      channels.upstreamEjection.publish({ integration: this.#integration, origin: upstream.origin, reason });
  }

  #publishReturn(upstream: Upstream): void {
    if (channels.upstreamReturn.hasSubscribers)
      channels.upstreamReturn.publish({ integration: this.#integration, origin: upstream.origin });
  }
}

function poolOptions(settings: UpstreamConfig): BackendPoolOptions {
  return {
    maxConnectionAgeMs: settings.maxConnectionAgeMs,
    maxRequestsPerConnection: settings.maxRequestsPerConnection,
    maxConnections: settings.maxConnections,
    pipelining: settings.pipelining,
  };
}
