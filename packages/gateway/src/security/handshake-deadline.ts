/**
 * The handshake deadline of the client listener: every TCP connection has `timeouts.handshakeMs`
 * from the moment it is accepted to send its WebSocket upgrade request, or it is closed. That bounds
 * slowloris upgrades (a silent socket, or headers dripped a byte at a time: `408 Request Timeout`,
 * SWB_ERR_HANDSHAKE_TIMEOUT), TLS connections that never finish their TLS handshake or never send a
 * request (closed), and plain-HTTP keep-alive connections that never upgrade (closed once the
 * response in flight, if any, is written). Node's own `headersTimeout` is checked only every
 * `connectionsCheckingInterval` (30 s) and stops at the first request; here each connection has its
 * own timer, cleared as soon as its upgrade request arrives. From then on `$connect` is bounded by
 * its integration's timeout.
 * @see docs/security.md
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_CODE_HEADER } from '@switchboard/protocol';
import type { TlsSocketLink } from './tls-socket-link.js';

const TIMEOUT_BODY = '{"message":"Request Timeout"}';
const TIMEOUT_ANSWER = `HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${TIMEOUT_BODY.length}\r\n${ERROR_CODE_HEADER}: SWB_ERR_HANDSHAKE_TIMEOUT\r\n\r\n${TIMEOUT_BODY}`;

/** A peer that never reads would hold a socket being closed: it is destroyed this long after. */
const CLOSE_GRACE_MS = 1000;

const STATE = Symbol('switchboard.handshakeDeadline');

/** Kept on a TCP socket from accept until its upgrade request arrives or it closes. */
interface DeadlineState {
  readonly timer: NodeJS.Timeout;
  /** Plain HTTP requests received on this connection (keep-alive). */
  requests: number;
  /** Responses not yet finished. */
  inFlight: number;
  /** The latest response, to ask for `Connection: close` when the deadline passes during it. */
  latest: ServerResponse | undefined;
  /** The deadline has passed: close once no response is in flight. */
  expired: boolean;
}

type TimedSocket = Socket & { [STATE]?: DeadlineState | undefined };

export class HandshakeDeadline {
  readonly #handshakeMs: number;
  readonly #link: TlsSocketLink;

  constructor(server: Server, handshakeMs: number, link: TlsSocketLink) {
    this.#handshakeMs = handshakeMs;
    this.#link = link;
    // First in line, so that a response is tracked before any handler can end it.
    server.prependListener('upgrade', (request: IncomingMessage) => {
      forget.call(link.tcpSocketOf(request.socket));
    });
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      this.#onRequest(request, response);
    });
  }

  /** Starts the deadline of a socket just accepted. */
  start(tcp: Socket): void {
    const state: DeadlineState = { timer: setTimeout(this.#expire, this.#handshakeMs, tcp), requests: 0, inFlight: 0, latest: undefined, expired: false };
    (tcp as TimedSocket)[STATE] = state;
    tcp.on('close', forget);
  }

  #onRequest(request: IncomingMessage, response: ServerResponse): void {
    const tcp: TimedSocket = this.#link.tcpSocketOf(request.socket);
    const state = tcp[STATE];
    if (state === undefined) return;
    state.requests++;
    state.inFlight++;
    state.latest = response;
    if (state.expired) response.setHeader('connection', 'close');
    response.once('close', () => {
      state.inFlight--;
      if (state.latest === response) state.latest = undefined;
      if (state.expired && state.inFlight === 0) closeQuietly(request.socket);
    });
  }

  readonly #expire = (tcp: TimedSocket): void => {
    const state = tcp[STATE];
    if (state === undefined || tcp.destroyed) return;
    const socket = this.#link.httpSocketOf(tcp);
    // A TLS handshake not completed: nothing can be answered in plain text.
    if (socket === undefined) {
      tcp.destroy();
      return;
    }
    if (state.inFlight > 0) {
      // Plain HTTP with a response being written: close after it.
      state.expired = true;
      if (state.latest !== undefined && !state.latest.headersSent) state.latest.setHeader('connection', 'close');
      return;
    }
    // An idle keep-alive connection is closed as a keep-alive timeout closes it; a connection that
    // never completed a request hears why.
    if (state.requests > 0) closeQuietly(socket);
    else answerTooLate(socket);
  };
}

/** Stops the deadline of a TCP socket: its upgrade request arrived, or it closed. */
function forget(this: TimedSocket): void {
  const state = this[STATE];
  if (state === undefined) return;
  clearTimeout(state.timer);
  this[STATE] = undefined;
  this.off('close', forget);
}

function closeQuietly(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end();
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}

function answerTooLate(socket: Socket): void {
  if (socket.writable) socket.end(TIMEOUT_ANSWER, () => socket.destroy());
  else socket.destroy();
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}
