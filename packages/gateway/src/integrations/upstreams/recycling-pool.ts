/**
 * An undici Pool for one upstream address whose connections are recycled: each connection closes
 * after `maxRequestsPerConnection` requests (undici's maxRequestsPerClient), and the whole pool is
 * replaced once it is `maxConnectionAgeMs` old; the old one finishes its requests, then closes.
 */
import { Pool, type Dispatcher } from 'undici';

export interface RecyclingPoolOptions {
  /** Close a connection after this many requests; 0 means no limit. */
  readonly maxRequestsPerConnection: number;
  /** Replace the pool (so every connection) at this age; 0 means never. */
  readonly maxConnectionAgeMs: number;
  /** TLS server name, when the address is an IP but the URL named a host. */
  readonly servername?: string;
}

export class RecyclingPool {
  readonly #origin: string;
  readonly #options: RecyclingPoolOptions;
  #pool: Pool;
  #bornAt: number;
  readonly #retiring = new Set<Promise<void>>();

  constructor(origin: string, options: RecyclingPoolOptions) {
    this.#origin = origin;
    this.#options = options;
    this.#pool = this.#newPool();
    this.#bornAt = Date.now();
  }

  /** True when every request must close its connection (a limit of one request per connection). */
  get resetEachRequest(): boolean {
    return this.#options.maxRequestsPerConnection === 1;
  }

  /** The pool to use now, replacing it first when it has reached its maximum age. */
  current(): Dispatcher {
    const maxAge = this.#options.maxConnectionAgeMs;
    if (maxAge > 0 && Date.now() - this.#bornAt >= maxAge) {
      const old = this.#pool;
      this.#pool = this.#newPool();
      this.#bornAt = Date.now();
      const retired: Promise<void> = old
        .close()
        .catch(() => undefined)
        .finally(() => this.#retiring.delete(retired));
      this.#retiring.add(retired);
    }
    return this.#pool;
  }

  /** Closes once in-flight requests finish. */
  async close(): Promise<void> {
    await Promise.all([this.#pool.close(), ...this.#retiring]);
  }

  /** Aborts in-flight requests and closes at once. */
  async destroy(): Promise<void> {
    await Promise.all([this.#pool.destroy(), ...this.#retiring]);
  }

  #newPool(): Pool {
    return new Pool(this.#origin, {
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
      // undici closes a connection after maxRequestsPerClient + 1 requests; a limit of 1 is done
      // per request instead (RecyclingPool.resetEachRequest), since undici reads 0 as "no limit".
      ...(this.#options.maxRequestsPerConnection > 1
        ? { maxRequestsPerClient: this.#options.maxRequestsPerConnection - 1 }
        : {}),
      connect: {
        noDelay: true,
        ...(this.#options.servername === undefined ? {} : { servername: this.#options.servername }),
      },
    });
  }
}
