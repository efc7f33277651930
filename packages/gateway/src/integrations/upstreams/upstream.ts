/**
 * One upstream: an address a backend listens on, with its connection pool and its health. It is
 * ejected at once when it refuses or says it is draining, or after consecutive failures, and it
 * comes back when a probe (or a request sent while every upstream was ejected) succeeds. Each
 * ejection starts a new generation: an answer to a request sent in an earlier generation (a slow
 * request a draining replica finishes) says nothing about the upstream now, and changes nothing.
 */
import { connect } from 'node:net';
import { BackendPool, type BackendPoolOptions, type BackendRequest, type BackendResponse } from '../http1/backend-pool.js';

export interface UpstreamAddress {
  /** `http://ADDRESS:PORT` the pool connects to. */
  readonly origin: string;
  /** The Host header to send, when it differs from the origin's (a resolved hostname). */
  readonly hostHeader?: string;
  /** TLS server name for an address resolved from a hostname. */
  readonly servername?: string;
}

export class Upstream {
  readonly origin: string;
  readonly hostHeader: string | undefined;
  readonly #pool: BackendPool;
  #failures = 0;
  #ejected = false;
  #generation = 0;

  constructor(address: UpstreamAddress, pool: BackendPoolOptions) {
    this.origin = address.origin;
    this.hostHeader = address.hostHeader;
    const url = new URL(address.origin);
    const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
    this.#pool = new BackendPool(
      {
        protocol,
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: Number(url.port || (protocol === 'https:' ? 443 : 80)),
        hostHeader: address.hostHeader ?? url.host,
        origin: address.origin,
        ...(address.servername === undefined ? {} : { servername: address.servername }),
      },
      pool,
    );
  }

  get ejected(): boolean {
    return this.#ejected;
  }

  /** Sends one request on this upstream's pool. */
  request(request: BackendRequest, timeoutMs: number): Promise<BackendResponse> {
    return this.#pool.request(request, timeoutMs);
  }

  /**
   * Goes up by one at each ejection. Read it when a request is sent and hand it back to
   * `succeeded` or `failed`: only the outcome of a request sent since the latest ejection counts.
   */
  get generation(): number {
    return this.#generation;
  }

  /** Ejects; true when it was in rotation until now (a new generation starts). */
  eject(): boolean {
    const was = !this.#ejected;
    if (was) this.#generation += 1;
    this.#ejected = true;
    this.#failures = 0;
    return was;
  }

  /**
   * Counts a failure that may have been processed, of a request sent in `generation`; true when
   * this ejected the upstream. A failure from before the latest ejection is not counted.
   */
  failed(generation: number, ejectAfter: number): boolean {
    if (generation !== this.#generation) return false;
    this.#failures += 1;
    return this.#failures >= ejectAfter ? this.eject() : false;
  }

  /**
   * A success of a request (or probe) sent in `generation`: clears failures; true when it brought
   * an ejected upstream back. A request sent before the latest ejection proves nothing: its answer
   * (a draining replica finishing its slow requests) neither returns the upstream nor clears failures.
   */
  succeeded(generation: number): boolean {
    if (generation !== this.#generation) return false;
    this.#failures = 0;
    const was = this.#ejected;
    this.#ejected = false;
    return was;
  }

  /** One probe: GET `path` answered 2xx, or without a path, a TCP connect that opens. */
  async probe(path: string | undefined, timeoutMs: number): Promise<boolean> {
    if (path === undefined) return tcpProbe(new URL(this.origin), timeoutMs);
    try {
      const response = await this.#pool.request({ method: 'GET', path, headers: {}, body: null, keepBody: false }, timeoutMs);
      return response.statusCode >= 200 && response.statusCode < 300;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  destroy(): Promise<void> {
    return this.#pool.destroy();
  }
}

function tcpProbe(url: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = connect({ host, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}
