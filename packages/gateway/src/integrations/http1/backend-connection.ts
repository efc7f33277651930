/**
 * One keep-alive HTTP/1.1 connection to a backend. It carries one request at a time, or up to the
 * pool's pipelining depth, answered in order. Each request is encoded into one buffer and written
 * through the write batch (one syscall per connection per event-loop turn); answers are read with
 * ResponseParser, several per chunk when pipelined. It keeps no timer: the pool's sweep checks the
 * deadlines of the exchanges in flight (`expire`). Once the server ended its side (FIN) or the
 * socket failed, it takes no new request; a request whose write Node refused counts as not sent.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { isDrainingResponse } from '../upstreams/never-delivered.js';
import { BackendHttpError, withSent } from './backend-http-error.js';
import { encodeRequest, type RequestHead } from './request-head.js';
import { ResponseParser, type ParsedResponse } from './response-parser.js';
import { writeBatched, writeNow } from './write-batch.js';

export interface BackendAddress {
  readonly protocol: 'http:' | 'https:';
  readonly host: string;
  readonly port: number;
  /** The Host header. */
  readonly hostHeader: string;
  /** TLS server name, for https. */
  readonly servername?: string;
  /** Certificate authorities trusted for https instead of Node's defaults (tests, private CAs). */
  readonly ca?: string | Buffer;
  /**
   * How answers name this backend (`http://ADDRESS:PORT`).
   * @default built from protocol, host and port
   */
  readonly origin?: string;
}

export interface Exchange {
  readonly request: RequestHead;
  readonly body: Buffer | null;
  readonly keepBody: boolean;
  readonly maxBodyBytes: number;
  readonly timeoutMs: number;
  /** `Date.now()` after which the exchange has timed out. */
  deadline: number;
  /** Whether this is the last request on its connection (it asks the server to close). */
  last: boolean;
  /**
   * True once the request was handed to a connected socket; false again when Node refused its
   * write (the backend never had the whole request).
   */
  sent: boolean;
  /** The number of the connection's write that carries this request (set by the connection). */
  writeSeq: number;
  resolve(response: ParsedResponse): void;
  reject(error: Error): void;
}

/** Told when a connection can take another request, and when it has ended. */
export interface ConnectionOwner {
  /** The connection opened (TCP, or TLS once its handshake is done). */
  connected(connection: BackendConnection): void;
  released(connection: BackendConnection): void;
  ended(connection: BackendConnection): void;
}

/** How long a new connection may take to open before it counts as never opened. */
const CONNECT_TIMEOUT_MS = 5_000;

export class BackendConnection {
  readonly bornAt = Date.now();
  /** Requests started on this connection. */
  served = 0;
  /** When it last had nothing in flight. */
  idleSince = 0;
  /** The server's keep-alive hint, in ms, once it sent one. */
  keepAliveHintMs: number | undefined;
  /** True once the connection may take no further request (last request sent, or closing). */
  retiring = false;
  readonly #socket: Socket;
  readonly #host: string;
  readonly #owner: ConnectionOwner;
  readonly #batched: boolean;
  readonly #parser: ResponseParser;
  /** Exchanges in flight, oldest first; the first is the one the parser reads. */
  #exchanges: Exchange[] = [];
  #connected = false;
  #ended = false;
  #error: Error | undefined;
  /** Writes started on the socket, and writes whose callback has run: callbacks run in order. */
  #writesStarted = 0;
  #writesDone = 0;

  /** `batched`: coalesce the writes of one event-loop turn (worth it only with pipelining). */
  constructor(address: BackendAddress, owner: ConnectionOwner, batched: boolean) {
    this.#owner = owner;
    this.#batched = batched;
    this.#host = address.hostHeader;
    this.#parser = new ResponseParser(address.origin ?? originOf(address));
    const secure = address.protocol === 'https:';
    this.#socket = secure
      ? connectTls({
          host: address.host,
          port: address.port,
          servername: address.servername ?? address.host,
          ALPNProtocols: ['http/1.1'],
          ...(address.ca === undefined ? {} : { ca: address.ca }),
        })
      : connectTcp({ host: address.host, port: address.port, noDelay: true });
    const socket = this.#socket;
    socket.setTimeout(CONNECT_TIMEOUT_MS);
    socket.on(secure ? 'secureConnect' : 'connect', () => this.#onConnect());
    socket.on('timeout', () => this.#onConnectTimeout());
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (error: Error) => {
      this.#error ??= error;
      this.retiring = true;
    });
    socket.on('close', () => this.#onClose());
  }

  /** Exchanges in flight. */
  get inFlight(): number {
    return this.#exchanges.length;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** When the oldest request in flight was made (`Date.now()`), or undefined when none is. */
  get oldestRequestAt(): number | undefined {
    const oldest = this.#exchanges[0];
    return oldest === undefined ? undefined : oldest.deadline - oldest.timeoutMs;
  }

  /** True once the connection opened (it may have ended since). */
  get opened(): boolean {
    return this.#connected;
  }

  /** Sends `exchange` on this connection, behind those in flight. */
  start(exchange: Exchange): void {
    if (this.#ended) {
      // The pool never starts a request here once the socket closed; if it did, nothing was written.
      exchange.reject(withSent(new BackendHttpError('closed', 'the connection to the backend had closed'), false));
      return;
    }
    let buffers: Buffer[];
    try {
      buffers = encodeRequest(exchange.request, this.#host, exchange.body, exchange.last ? 'close' : 'keep-alive');
    } catch (error) {
      exchange.reject(error as Error);
      if (this.#exchanges.length === 0) this.#owner.released(this);
      return;
    }
    this.served += 1;
    if (exchange.last) this.retiring = true;
    const exchanges = this.#exchanges;
    exchanges.push(exchange);
    if (exchanges.length === 1) this.#parser.reset(exchange.keepBody, exchange.request.method === 'HEAD', exchange.maxBodyBytes);
    if (this.#connected) exchange.sent = true;
    this.#writesStarted += 1;
    exchange.writeSeq = this.#writesStarted;
    if (this.#batched) writeBatched(this.#socket, buffers, this.#afterWrite);
    else writeNow(this.#socket, buffers, this.#afterWrite);
  }

  /** Fails the exchanges whose deadline passed (and so the connection); true when it did. */
  expire(now: number): boolean {
    for (const exchange of this.#exchanges) {
      if (now < exchange.deadline) continue;
      this.#failAll(new BackendHttpError('timeout', `no whole response within ${exchange.timeoutMs} ms`), exchange);
      return true;
    }
    return false;
  }

  /** Closes the connection now; exchanges in flight fail. */
  destroy(): void {
    this.retiring = true;
    this.#socket.destroy();
  }

  /**
   * Runs after each request's write, in order. When Node refused it (EPIPE or ECONNRESET from the
   * kernel, or the socket destroyed before the write left), that request and the ones written
   * after it never reached the backend whole: they count as not sent, and may go elsewhere. A
   * write the kernel refuses transfers no byte; one refused after part of a large body left
   * delivers a request cut short, which no server can have processed as the whole message.
   */
  readonly #afterWrite = (error?: Error | null): void => {
    if (error === undefined || error === null) {
      this.#writesDone += 1;
      return;
    }
    this.#error ??= error;
    this.retiring = true;
    for (const exchange of this.#exchanges) if (exchange.writeSeq > this.#writesDone) exchange.sent = false;
    this.#writesDone += 1;
  };

  /** The server ended its side (FIN): nothing more may be written here; an idle connection closes now. */
  #onEnd(): void {
    this.retiring = true;
    if (this.#exchanges.length === 0) this.#socket.destroy();
  }

  #onConnect(): void {
    this.#connected = true;
    this.#socket.setTimeout(0);
    for (const exchange of this.#exchanges) exchange.sent = true;
    this.#owner.connected(this);
  }

  #onConnectTimeout(): void {
    if (this.#connected) return;
    this.#error ??= Object.assign(new Error(`connecting took longer than ${CONNECT_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' });
    this.#socket.destroy();
  }

  #onData(data: Buffer): void {
    let chunk = data;
    for (;;) {
      const exchange = this.#exchanges[0];
      if (exchange === undefined) {
        // Bytes nobody asked for: the connection cannot be trusted with another request.
        this.destroy();
        return;
      }
      let left: number;
      try {
        left = this.#parser.execute(chunk);
      } catch (error) {
        this.#failAll(error as Error);
        return;
      }
      if (left === -1) return;
      if (!this.#complete(exchange) || left === 0) return;
      chunk = chunk.subarray(chunk.length - left);
    }
  }

  /** Resolves the first exchange; false when the connection is done for. */
  #complete(exchange: Exchange): boolean {
    const response = this.#parser.result();
    const exchanges = this.#exchanges;
    exchanges.shift();
    const next = exchanges[0];
    if (next !== undefined) this.#parser.reset(next.keepBody, next.request.method === 'HEAD', next.maxBodyBytes);
    const hint = response.headers['keep-alive'];
    if (typeof hint === 'string') this.keepAliveHintMs = keepAliveHint(hint);
    exchange.resolve(response);
    if (!response.keepAlive || exchange.last) {
      this.#failAll(behindClose(response));
      return false;
    }
    this.#owner.released(this);
    return true;
  }

  /** Fails every exchange in flight, `target` (the first by default) with `error`, and closes. */
  #failAll(error: Error, target?: Exchange): void {
    const exchanges = this.#exchanges;
    this.#exchanges = [];
    this.destroy();
    const failing = target ?? exchanges[0];
    const undelivered = error instanceof BackendHttpError && error.code === 'behind-drain';
    for (const exchange of exchanges) {
      if (undelivered) exchange.reject(withSent(new BackendHttpError('behind-drain', error.message), false));
      else exchange.reject(withSent(exchange === failing ? error : behindFailure(), exchange.sent));
    }
  }

  #onClose(): void {
    this.#ended = true;
    this.retiring = true;
    const exchanges = this.#exchanges;
    this.#exchanges = [];
    const first = exchanges[0];
    if (first !== undefined && this.#error === undefined && this.#parser.readsUntilClose) {
      this.#parser.end();
      exchanges.shift();
      first.resolve(this.#parser.result());
    }
    exchanges.forEach((exchange, index) => {
      const error =
        index === 0
          ? (this.#error ?? new BackendHttpError('closed', 'the backend closed the connection before the response was complete'))
          : behindFailure(this.#error);
      exchange.reject(withSent(error, exchange.sent));
    });
    this.#owner.ended(this);
  }
}

/**
 * The failure of the pipelined requests behind an answer after which the server closes. They were
 * sent and may have been read, so they count as sent; unless that answer was the drain signal: a
 * draining backend processes nothing that arrives after it started draining, and these arrived later.
 */
function behindClose(response: ParsedResponse): Error {
  if (isDrainingResponse(response.statusCode, response.headers)) {
    return new BackendHttpError('behind-drain', 'the backend is draining: requests pipelined behind its drain signal were not processed');
  }
  return new BackendHttpError('closed', 'the backend closed the connection after an earlier pipelined answer');
}

/** The failure of a pipelined request behind the one that failed (a socket error's code is kept). */
function behindFailure(cause?: Error): Error {
  const error = new BackendHttpError('closed', 'the connection failed while an earlier request on it was in flight', cause === undefined ? undefined : { cause });
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? Object.assign(new Error(cause?.message, { cause }), { code }) : error;
}

/** `http://HOST:PORT`, with an IPv6 address in brackets. */
export function originOf(address: BackendAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${address.protocol}//${host}:${address.port}`;
}

let lastHint = '';
let lastHintMs: number | undefined;

/** `timeout=5` in a Keep-Alive header: the server closes idle connections after 5 s. */
function keepAliveHint(header: string): number | undefined {
  // A backend sends the same header on every answer: parse it once.
  if (header === lastHint) return lastHintMs;
  const match = /(?:^|[,;\s])timeout=(\d+)/i.exec(header);
  lastHint = header;
  lastHintMs = match === null ? undefined : Number(match[1]) * 1000;
  return lastHintMs;
}
