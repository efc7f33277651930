/**
 * The dashboard's live figures: per-second counts over the last minute (connects, disconnects,
 * messages in and out, integration latency), errors by code and counters per route, kept by
 * subscribing to the gateway's diagnostics channels (the same events the Prometheus metrics read).
 * Channels are process-wide: gateways embedded in one process share these counts.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { channels } from '../diagnostics.js';

/** Seconds of history kept for the charts. */
export const HISTORY_SECONDS = 60;

export interface SecondBucket {
  /** Epoch second. */
  second: number;
  connects: number;
  disconnects: number;
  messagesIn: number;
  messagesOut: number;
  /** Integration calls answered or failed in this second, and their summed and largest latency. */
  calls: number;
  latencySumMs: number;
  latencyMaxMs: number;
}

export interface RouteCounters {
  messages: number;
  integrationOk: number;
  integrationErrors: number;
  latencySumMs: number;
  calls: number;
}

export interface StatsSnapshot {
  /** Oldest first, one per second, the current (partial) second last. */
  readonly history: readonly SecondBucket[];
  /** Totals since start by `SWB_ERR_*` code (integration failures, refused requests) or `HTTP_5xx`/`HTTP_4xx` answers. */
  readonly errors: Readonly<Record<string, number>>;
  readonly routes: Readonly<Record<string, RouteCounters>>;
}

interface RouteEvent {
  readonly routeKey?: string;
  readonly latencyMs?: number;
  readonly status?: number;
  readonly code?: string;
}

export class DashboardStats {
  readonly #buckets: SecondBucket[] = [];
  readonly #errors = new Map<string, number>();
  readonly #routes = new Map<string, RouteCounters>();
  readonly #now: () => number;
  readonly #handlers: [name: string, handler: (message: unknown) => void][] = [];

  /** @param now the clock in epoch ms, for tests */
  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#on(channels.connectionOpen.name, () => this.#bucket().connects++);
    this.#on(channels.connectionClose.name, () => this.#bucket().disconnects++);
    this.#on(channels.messageIn.name, (event) => {
      this.#bucket().messagesIn++;
      this.#route(event.routeKey).messages++;
    });
    this.#on(channels.messageOut.name, () => this.#bucket().messagesOut++);
    this.#on(channels.integrationResponse.name, (event) => {
      const route = this.#route(event.routeKey);
      this.#latency(route, event.latencyMs ?? 0);
      const status = event.status ?? 200;
      if (status >= 400) {
        route.integrationErrors++;
        this.#count(`HTTP_${String(Math.floor(status / 100))}xx`);
      } else route.integrationOk++;
    });
    this.#on(channels.integrationError.name, (event) => {
      const route = this.#route(event.routeKey);
      this.#latency(route, event.latencyMs ?? 0);
      route.integrationErrors++;
      this.#count(event.code ?? 'SWB_ERR_INTERNAL');
    });
    this.#on(channels.clientError.name, (event) => this.#count(event.code ?? 'SWB_ERR_BAD_REQUEST'));
  }

  snapshot(): StatsSnapshot {
    this.#bucket();
    return {
      history: this.#buckets.map((bucket) => ({ ...bucket })),
      errors: Object.fromEntries(this.#errors),
      routes: Object.fromEntries([...this.#routes].map(([key, counters]) => [key, { ...counters }])),
    };
  }

  close(): void {
    for (const [name, handler] of this.#handlers.splice(0)) unsubscribe(name, handler);
  }

  #on(name: string | symbol, handler: (event: RouteEvent) => void): void {
    const wrapped = (message: unknown) => {
      handler(message as RouteEvent);
    };
    subscribe(name, wrapped);
    this.#handlers.push([String(name), wrapped]);
  }

  /** The bucket of the current second, after filling the seconds since the last event with zeros. */
  #bucket(): SecondBucket {
    const second = Math.floor(this.#now() / 1000);
    let last = this.#buckets.at(-1);
    if (last?.second === second) return last;
    const from = last === undefined ? second : Math.max(last.second + 1, second - HISTORY_SECONDS + 1);
    for (let s = from; s <= second; s++) {
      last = {
        second: s,
        connects: 0,
        disconnects: 0,
        messagesIn: 0,
        messagesOut: 0,
        calls: 0,
        latencySumMs: 0,
        latencyMaxMs: 0,
      };
      this.#buckets.push(last);
    }
    if (this.#buckets.length > HISTORY_SECONDS)
      this.#buckets.splice(0, this.#buckets.length - HISTORY_SECONDS);
    return last as SecondBucket;
  }

  #route(key: string | undefined): RouteCounters {
    const name = key ?? '$default';
    let counters = this.#routes.get(name);
    if (counters === undefined) {
      counters = { messages: 0, integrationOk: 0, integrationErrors: 0, latencySumMs: 0, calls: 0 };
      this.#routes.set(name, counters);
    }
    return counters;
  }

  #latency(route: RouteCounters, latencyMs: number): void {
    const bucket = this.#bucket();
    bucket.calls++;
    bucket.latencySumMs += latencyMs;
    bucket.latencyMaxMs = Math.max(bucket.latencyMaxMs, latencyMs);
    route.calls++;
    route.latencySumMs += latencyMs;
  }

  #count(code: string): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }
}
