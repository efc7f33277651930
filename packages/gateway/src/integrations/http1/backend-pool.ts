/**
 * The keep-alive connections to one backend address. A request takes the most recently idle
 * connection (so few stay warm and the rest time out); with pipelining, else a busy connection with
 * room; else a new connection, up to `maxConnections`; else it waits its turn. Connections are
 * recycled after `maxRequestsPerConnection` requests and at `maxConnectionAgeMs`, so a new replica
 * behind a Service gets traffic, and idle ones close before the server would close them.
 * One sweep timer per pool checks deadlines (every 1/20 of the shortest timeout in use, 5 ms to
 * 500 ms): no timer per request.
 */
import { BackendConnection, type BackendAddress, type ConnectionOwner, type Exchange } from './backend-connection.js';
import { BackendHttpError } from './backend-http-error.js';
import type { RequestHead } from './request-head.js';
import type { ParsedResponse } from './response-parser.js';

export interface BackendPoolOptions {
  /** Close a connection after this many requests; 0 means no limit. */
  readonly maxRequestsPerConnection: number;
  /** Stop reusing a connection at this age; 0 means never. */
  readonly maxConnectionAgeMs: number;
  /** Most connections open at once; further requests wait. */
  readonly maxConnections: number;
  /** Most requests in flight on one connection; 1 turns pipelining off. */
  readonly pipelining: number;
  /** Close a connection idle this long. @default 4000 (Node's servers close at 5 s) */
  readonly keepAliveMs?: number;
}

export interface BackendRequest extends RequestHead {
  readonly body: Buffer | null;
  /** Keep the response body; when false it is read and dropped. @default true */
  readonly keepBody?: boolean;
  /** Longest body kept; a longer one fails with `too-large`. @default unlimited */
  readonly maxBodyBytes?: number;
}

export type BackendResponse = Omit<ParsedResponse, 'keepAlive'>;

const DEFAULT_KEEP_ALIVE_MS = 4_000;
/** A keep-alive hint from the server is trusted minus this margin. */
const HINT_MARGIN_MS = 1_000;
/**
 * Connections being opened at once, at most: a burst of requests (a thousand clients at the same
 * instant) must not open a thousand connections at once, which overflows the backend's listen
 * backlog and turns into SYN retries of 1, 3, 7 seconds. The rest wait for one of these.
 */
const MAX_OPENING = 64;
/**
 * With pipelining, a request joins a busy connection only while the oldest request on it is younger
 * than this: a slow answer then holds up only the requests that joined in its first few
 * milliseconds, and later ones go to another connection.
 */
export const PIPELINE_JOIN_WINDOW_MS = 20;
const MIN_SWEEP_MS = 5;
const MAX_SWEEP_MS = 500;

export class BackendPool implements ConnectionOwner {
  readonly #address: BackendAddress;
  readonly #options: BackendPoolOptions;
  readonly #keepAliveMs: number;
  readonly #connections: BackendConnection[] = [];
  /** Idle connections, most recently released last. */
  readonly #idle: BackendConnection[] = [];
  /** Where the search for a busy connection with room starts, so that load spreads. */
  #cursor = 0;
  /** Connections opening now (not yet connected, not ended). */
  #opening = 0;
  #waiting: Exchange[] = [];
  #sweep: NodeJS.Timeout | undefined;
  #sweepMs = MAX_SWEEP_MS;
  #closing = false;
  #closedWaiters: (() => void)[] = [];

  constructor(address: BackendAddress, options: BackendPoolOptions) {
    this.#address = address;
    this.#options = options;
    this.#keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  }

  /** Open connections, busy or idle. */
  get size(): number {
    return this.#connections.length;
  }

  /** Sends `request` and resolves with the whole response; `timeoutMs` bounds the whole exchange. */
  request(request: BackendRequest, timeoutMs: number): Promise<BackendResponse> {
    return new Promise((resolve, reject) => {
      if (this.#closing) {
        reject(new BackendHttpError('pool-closed', 'the connection pool to this backend is closed'));
        return;
      }
      const timeout = Math.max(1, Math.ceil(timeoutMs));
      const exchange: Exchange = {
        request,
        body: request.body,
        keepBody: request.keepBody ?? true,
        maxBodyBytes: request.maxBodyBytes ?? Number.POSITIVE_INFINITY,
        timeoutMs: timeout,
        deadline: Date.now() + timeout,
        last: false,
        sent: false,
        writeSeq: 0,
        resolve,
        reject,
      };
      this.#watch(timeout);
      const connection = this.#takeIdle() ?? this.#withRoom() ?? this.#openIfAllowed();
      if (connection === undefined) this.#waiting.push(exchange);
      else this.#startOn(connection, exchange);
    });
  }

  /** Sends nothing more: waiting requests fail, idle connections close, busy ones after their answers. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#failWaiting();
    for (const connection of this.#idle.splice(0)) connection.destroy();
    for (const connection of this.#connections) connection.retiring = true;
    await this.#allEnded();
  }

  /** Closes every connection now; requests in flight fail. */
  async destroy(): Promise<void> {
    this.#closing = true;
    this.#failWaiting();
    this.#idle.length = 0;
    for (const connection of [...this.#connections]) connection.destroy();
    await this.#allEnded();
  }

  connected(connection: BackendConnection): void {
    this.#opening -= 1;
    this.#openForWaiting();
    // Requests that waited while it opened may now go on it (with pipelining).
    if (connection.inFlight < this.#options.pipelining && this.#waiting.length > 0) this.released(connection);
  }

  /** A request on `connection` ended (or never started): it takes waiting requests, or goes idle. */
  released(connection: BackendConnection): void {
    const now = Date.now();
    if (this.#closing || connection.retiring || this.#spent(connection, now)) {
      if (connection.inFlight === 0) connection.destroy();
      else connection.retiring = true;
      return;
    }
    const depth = this.#options.pipelining;
    while (this.#waiting.length > 0 && connection.inFlight < depth) {
      // After its last request (maxRequestsPerConnection), no more on it.
      if (this.#startOn(connection, this.#waiting.shift() as Exchange)) break;
    }
    if (connection.inFlight > 0) return;
    connection.idleSince = now;
    this.#idle.push(connection);
  }

  ended(connection: BackendConnection): void {
    remove(this.#connections, connection);
    remove(this.#idle, connection);
    if (!connection.opened) this.#opening -= 1;
    this.#openForWaiting();
    if (this.#connections.length === 0) {
      this.#stopSweep();
      if (this.#closing) {
        const waiters = this.#closedWaiters;
        this.#closedWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  async #allEnded(): Promise<void> {
    if (this.#connections.length === 0) {
      this.#stopSweep();
      return;
    }
    await new Promise<void>((resolve) => this.#closedWaiters.push(resolve));
  }

  #openIfAllowed(): BackendConnection | undefined {
    if (this.#connections.length >= this.#options.maxConnections || this.#opening >= MAX_OPENING) return undefined;
    const connection = new BackendConnection(this.#address, this, this.#options.pipelining > 1);
    this.#connections.push(connection);
    this.#opening += 1;
    return connection;
  }

  /** Opens connections for waiting requests, within the limits. */
  #openForWaiting(): void {
    while (!this.#closing && this.#waiting.length > 0) {
      const connection = this.#openIfAllowed();
      if (connection === undefined) return;
      this.#startOn(connection, this.#waiting.shift() as Exchange);
    }
  }

  /** Starts `exchange` on `connection`; true when it is the connection's last request. */
  #startOn(connection: BackendConnection, exchange: Exchange): boolean {
    const limit = this.#options.maxRequestsPerConnection;
    exchange.last = limit > 0 && connection.served + 1 >= limit;
    connection.start(exchange);
    return exchange.last;
  }

  /** The most recently idle connection still fit for a request; spent ones are closed on the way. */
  #takeIdle(): BackendConnection | undefined {
    const now = Date.now();
    for (;;) {
      const connection = this.#idle.pop();
      if (connection === undefined) return undefined;
      if (!connection.ended && !connection.retiring && !this.#spent(connection, now)) return connection;
      connection.destroy();
    }
  }

  /**
   * With pipelining: a busy connection with fewer than `pipelining` requests in flight, none of them
   * waiting for longer than PIPELINE_JOIN_WINDOW_MS.
   */
  #withRoom(): BackendConnection | undefined {
    const depth = this.#options.pipelining;
    if (depth <= 1) return undefined;
    const connections = this.#connections;
    const count = connections.length;
    const maxAge = this.#options.maxConnectionAgeMs;
    const now = Date.now();
    for (let i = 0; i < count; i += 1) {
      const index = (this.#cursor + i) % count;
      const connection = connections[index];
      if (connection === undefined || connection.retiring || connection.inFlight === 0) continue;
      if (connection.inFlight >= depth || (maxAge > 0 && now - connection.bornAt >= maxAge)) continue;
      if (now - (connection.oldestRequestAt ?? now) > PIPELINE_JOIN_WINDOW_MS) continue;
      this.#cursor = index + 1;
      return connection;
    }
    return undefined;
  }

  /** Too old to reuse, or idle past the keep-alive time. */
  #spent(connection: BackendConnection, now: number): boolean {
    const maxAge = this.#options.maxConnectionAgeMs;
    if (maxAge > 0 && now - connection.bornAt >= maxAge) return true;
    if (connection.inFlight > 0 || connection.idleSince === 0) return false;
    const hint = connection.keepAliveHintMs;
    const limit = hint === undefined ? this.#keepAliveMs : Math.max(0, Math.min(this.#keepAliveMs, hint - HINT_MARGIN_MS));
    return now - connection.idleSince >= limit;
  }

  /** Makes sure the sweep runs at least every 1/20 of `timeoutMs`. */
  #watch(timeoutMs: number): void {
    const period = Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, Math.floor(timeoutMs / 20)));
    if (this.#sweep !== undefined && period >= this.#sweepMs) return;
    clearInterval(this.#sweep);
    this.#sweepMs = period;
    this.#sweep = setInterval(() => this.#sweepOnce(), period);
    this.#sweep.unref();
  }

  /** Times out late exchanges (in flight or waiting) and closes connections idle too long. */
  #sweepOnce(): void {
    const now = Date.now();
    for (const connection of [...this.#connections]) connection.expire(now);
    const idle = this.#idle;
    for (let i = idle.length - 1; i >= 0; i -= 1) {
      const connection = idle[i];
      if (connection !== undefined && this.#spent(connection, now)) {
        idle.splice(i, 1);
        connection.destroy();
      }
    }
    if (this.#waiting.length > 0) {
      const late = this.#waiting.filter((exchange) => now >= exchange.deadline);
      if (late.length > 0) {
        this.#waiting = this.#waiting.filter((exchange) => now < exchange.deadline);
        for (const exchange of late) {
          exchange.reject(new BackendHttpError('timeout', `no connection to the backend was free within ${exchange.timeoutMs} ms`));
        }
      }
    }
    if (this.#connections.length === 0 && this.#waiting.length === 0) this.#stopSweep();
  }

  #failWaiting(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const exchange of waiting) {
      exchange.reject(new BackendHttpError('pool-closed', 'the connection pool to this backend is closed'));
    }
  }

  #stopSweep(): void {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
    this.#sweepMs = MAX_SWEEP_MS;
  }
}

function remove<T>(list: T[], item: T): void {
  const at = list.indexOf(item);
  if (at !== -1) list.splice(at, 1);
}
