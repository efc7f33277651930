/**
 * The client listener: an HTTP server whose upgrades become WebSocket connections. The upgrade is
 * held while `$connect` runs; only an accepted handshake is handed to `ws` (noServer mode). The raw
 * socket is read by a ClientFrameReader: it watches the frame and binary limits, delivers whole data
 * frames itself and hands every other byte to `ws`, which enforces the message limit. Every TCP
 * connection, from accept, holds a per-IP slot and runs the handshake deadline (security/), and
 * every refused upgrade is answered through handshake-refusals.ts.
 * @see docs/protocol.md "Connecting"
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectEvent } from '../events/connect-event.js';
import { channels } from '../diagnostics.js';
import { newId } from '../connections/ids.js';
import type { Connection } from '../connections/connection.js';
import { runConnect, type PendingConnection } from '../events/connect.js';
import { closeReasons, type ConnectionLifecycle } from '../events/connection-lifecycle.js';
import type { GatewayContext } from '../events/gateway-context.js';
import { ClientFrameReader, type FrameSink, type FrameViolation } from './client-frame-reader.js';
import { attachFrameReader, detachFrameReader, readBeforeWs } from './frame-reader-socket.js';
import { handshakeInfo, handshakeProblem, peerIp, stageOf } from './handshake.js';
import { badHandshake, handshakeRefuser, refusals } from './handshake-refusals.js';
import { WsClientSocket } from './ws-client-socket.js';
import { ConnectionAdmission } from '../security/connection-admission.js';
import { HandshakeDeadline } from '../security/handshake-deadline.js';
import { OriginPolicy } from '../security/origin-policy.js';
import { TlsSocketLink } from '../security/tls-socket-link.js';
import { ERROR_CODE_HEADER } from '@switchboard/protocol';

const CHOSEN_PROTOCOL = Symbol('switchboard.protocol');
type UpgradeRequest = IncomingMessage & { [CHOSEN_PROTOCOL]?: string };

export interface ClientServer {
  readonly server: Server;
  /** Stops accepting upgrades: later ones are refused with 503. */
  stopAccepting(): void;
  /** Resolves once no handshake is waiting for `$connect`. */
  handshakesSettled(): Promise<void>;
  /**
   * Offers plain HTTP requests (not upgrades) to `handler` first: the management API on the client
   * listener. Requests it declines (returns false) get the 426 answer.
   */
  serveHttp(handler: (request: IncomingMessage, response: ServerResponse) => boolean): void;
  /** The per-IP slots of the TCP connections on the listener (security.maxConnectionsPerIp). */
  readonly admission: ConnectionAdmission;
}

export type HttpHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** The close code ws sends for the error it closed a connection with. */
function wsCloseCode(wsErrorCode: string | undefined): number {
  switch (wsErrorCode ?? '') {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
      return 1009;
    case 'WS_ERR_INVALID_UTF8':
      return 1007;
    case 'WS_ERR_TOO_MANY_BUFFERED_PARTS':
      return 1008;
    default:
      return 1002;
  }
}

/** Where a connection's messages, errors and close go: one per server, found from `this`. */
interface ClientEvents {
  readonly lifecycle: ConnectionLifecycle;
  readonly logger: GatewayContext['logger'];
}

/** The connection and the server's handlers, kept on the `ws` object (listeners get it as `this`). */
const CLIENT = Symbol('switchboard.client');
type ListenedWebSocket = WebSocket & { [CLIENT]?: { readonly connection: Connection; readonly events: ClientEvents; readonly socket: Duplex } };

function onClientMessage(this: ListenedWebSocket, data: Buffer, isBinary: boolean): void {
  const client = this[CLIENT];
  if (client !== undefined) client.events.lifecycle.message(client.connection, data, isBinary);
}

function onClientError(this: ListenedWebSocket, error: Error & { code?: string }): void {
  const client = this[CLIENT];
  if (client === undefined) return;
  // ws closes the connection itself; record the code it sends so that $disconnect reports it.
  const closeCode = wsCloseCode(error.code);
  client.events.lifecycle.closingWith(client.connection, closeCode, '');
  const code = closeCode === 1009 ? 'SWB_ERR_MESSAGE_TOO_LARGE' : 'SWB_ERR_PROTOCOL';
  client.events.logger.info({ connectionId: client.connection.id, code, wsCode: error.code, err: error }, 'client broke a protocol rule or limit');
}

function onClientClose(this: ListenedWebSocket, code: number, reason: Buffer): void {
  const client = this[CLIENT];
  if (client === undefined) return;
  this[CLIENT] = undefined;
  detachFrameReader(client.socket);
  client.events.lifecycle.closed(client.connection, code, reason.toString());
}

/**
 * Feeds a connection's messages, errors and close to the lifecycle. The listeners are module-level
 * functions and the state sits on the objects they are called on, so an open connection carries
 * no closures: idle memory per connection is a quality bar (docs/benchmarks.md).
 */
function listenToClient(ws: WebSocket, socket: Duplex, reader: ClientFrameReader<Connection>, connection: Connection, events: ClientEvents): void {
  (ws as ListenedWebSocket)[CLIENT] = { connection, events, socket };
  reader.owner = connection;
  ws.on('message', onClientMessage);
  ws.on('error', onClientError);
  ws.on('close', onClientClose);
}

export function createClientServer(ctx: GatewayContext, lifecycle: ConnectionLifecycle, createListener: (handler: HttpHandler) => Server = createServer): ClientServer {
  const { config, logger } = ctx;
  const stages = config.api.stages;
  const defaultStage = config.api.defaultStage ?? stages[0] ?? 'dev';
  const rejectBinary = config.limits.binary === 'reject';
  let accepting = true;
  let warnedWsListener = false;
  let pendingHandshakes = 0;
  let settledWaiters: (() => void)[] = [];
  const clientEvents: ClientEvents = { lifecycle, logger };
  /** A frame limit broken: the connection closes with AWS's code (one handler for every connection). */
  const onFrameViolation = (violation: FrameViolation, connection: Connection | undefined): void => {
    if (connection === undefined) return;
    const close = violation === 'binary' ? closeReasons.binaryRejected : closeReasons.frameTooLarge;
    logger.info({ connectionId: connection.id, code: violation === 'binary' ? 'SWB_ERR_BINARY_REJECTED' : 'SWB_ERR_FRAME_TOO_LARGE' }, 'closing a connection that broke a frame limit');
    lifecycle.close(connection, close.code, close.reason);
  };
  const frameLimits = { maxFrameBytes: config.limits.maxFrameBytes, maxMessageBytes: config.limits.maxMessageBytes, rejectBinary };
  const frameSink: FrameSink<Connection> = {
    message: (connection, data, binary) => lifecycle.message(connection, data, binary),
    isOpen: (connection) => !connection.socket.closing,
    violation: onFrameViolation,
  };
  const requestStage = (request: IncomingMessage) => stageOf(request.url ?? '/', stages, defaultStage);
  const refuse = handshakeRefuser(logger, requestStage);
  const origins = new OriginPolicy(config.security.allowedOrigins);
  const admission = new ConnectionAdmission(config.security.maxConnectionsPerIp);

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: config.limits.maxMessageBytes,
    handleProtocols: (_offered, request: UpgradeRequest) => request[CHOSEN_PROTOCOL] ?? false,
  });

  let httpHandler: ((request: IncomingMessage, response: ServerResponse) => boolean) | undefined;
  const server = createListener((request, response) => {
    if (admission.isOverCap(tlsLink.tcpSocketOf(request.socket))) {
      // Over the per-IP cap: this connection was kept only to say so.
      logger.debug({ code: 'SWB_ERR_TOO_MANY_CONNECTIONS', status: 429, sourceIp: peerIp(request.socket.remoteAddress) }, 'HTTP request refused');
      request.resume();
      response.writeHead(429, { 'content-type': 'application/json', connection: 'close', [ERROR_CODE_HEADER]: 'SWB_ERR_TOO_MANY_CONNECTIONS' });
      response.end(refusals.tooManyConnections.body);
      return;
    }
    if (httpHandler?.(request, response) === true) return;
    response.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket', connection: 'Upgrade' });
    response.end('Switchboard: connect with a WebSocket client, e.g. wscat -c ws://HOST:PORT/STAGE\n');
  });
  server.headersTimeout = config.timeouts.handshakeMs;
  server.requestTimeout = config.timeouts.handshakeMs;
  const tlsLink = new TlsSocketLink(server);
  const deadline = new HandshakeDeadline(server, config.timeouts.handshakeMs, tlsLink);
  // Every TCP connection counts toward its address's cap and has the handshake deadline from the
  // moment it is accepted, whatever it sends (or does not send) afterwards.
  server.on('connection', (socket: Socket) => {
    const admitted = admission.admit(socket);
    if (admitted === 'gone') return;
    if (admitted === 'refused') {
      logger.debug({ code: 'SWB_ERR_TOO_MANY_CONNECTIONS', sourceIp: peerIp(socket.remoteAddress) }, 'TCP connection closed at once: its address is over the per-IP cap');
      if (channels.clientError.hasSubscribers) channels.clientError.publish({ stage: '', code: 'SWB_ERR_TOO_MANY_CONNECTIONS' });
      return;
    }
    deadline.start(socket);
  });

  server.on('upgrade', (request: UpgradeRequest, socket: Duplex, head: Buffer) => {
    const onEarlyError = () => socket.destroy();
    socket.on('error', onEarlyError);
    if (!accepting) {
      refuse(request, socket, refusals.draining);
      return;
    }
    if (ctx.selfFence?.fencedNow() === true) {
      refuse(request, socket, refusals.fenced);
      return;
    }
    if (admission.isOverCap(tlsLink.tcpSocketOf(request.socket))) {
      refuse(request, socket, refusals.tooManyConnections);
      return;
    }
    if (!origins.allows(request.headers.origin)) {
      refuse(request, socket, refusals.originNotAllowed);
      return;
    }
    const sourceIp = peerIp(request.socket.remoteAddress);
    if (ctx.connectionThrottle !== undefined && !ctx.connectionThrottle.take(sourceIp)) {
      refuse(request, socket, refusals.throttled);
      return;
    }
    const stage = requestStage(request);
    if (stage === undefined) {
      refuse(request, socket, refusals.stageNotFound);
      return;
    }
    const problem = handshakeProblem(request);
    if (problem !== undefined) {
      refuse(request, socket, badHandshake(problem));
      return;
    }
    const pending: PendingConnection = { id: ctx.newConnectionId?.() ?? newId(), stage, connectedAt: Date.now(), handshake: handshakeInfo(request) };
    let gone = false;
    const onClose = () => (gone = true);
    socket.once('close', onClose);
    pendingHandshakes++;
    void runConnect(ctx, pending).then((outcome) => {
      pendingHandshakes--;
      if (pendingHandshakes === 0 && settledWaiters.length > 0) {
        const waiters = settledWaiters;
        settledWaiters = [];
        for (const resolve of waiters) resolve();
      }
      socket.off('close', onClose);
      if (ctx.accessLog !== undefined) ctx.accessLog.write({ event: connectEvent(pending, ctx.managementUrl(pending.stage)), status: outcome.accepted ? 200 : outcome.status });
      if (!outcome.accepted) {
        refuse(request, socket, { status: outcome.status, code: outcome.code, body: outcome.body, contentType: outcome.contentType ?? 'application/octet-stream' }, pending.id);
        return;
      }
      const fenced = ctx.selfFence?.fencedNow() === true;
      if (gone || !accepting || fenced) {
        if (!gone) refuse(request, socket, fenced ? refusals.fenced : refusals.draining, pending.id);
        // The backend accepted a connection that never opened: tell it, so it can clean up.
        if (outcome.calledBackend) lifecycle.disconnects.notify(pending, 1006, 'handshake abandoned');
        return;
      }
      if (outcome.protocol !== undefined) request[CHOSEN_PROTOCOL] = outcome.protocol;
      // The long-lived listeners are module-level functions, so that they keep nothing of this
      // handshake (the request, its headers, `head`) alive for the connection's life.
      const reader = new ClientFrameReader<Connection>(frameLimits, frameSink);
      // Paused, so that bytes the client sent behind its upgrade (the `head` ws unshifts) wait for
      // the message listener below instead of being emitted before anyone but the reader listens.
      socket.pause();
      attachFrameReader(socket, reader);
      let upgraded = false as boolean; // set by the callback, which ws may or may not call
      wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
        upgraded = true;
        socket.off('error', onEarlyError);
        const opened = lifecycle.open(pending, new WsClientSocket(ws, socket));
        logger.debug({ connectionId: opened.id, stage: pending.stage, sourceIp: pending.handshake.sourceIp }, 'connection opened');
        listenToClient(ws, socket, reader, opened, clientEvents);
        if (!readBeforeWs(socket, reader) && !warnedWsListener) {
          warnedWsListener = true;
          logger.warn({ code: 'SWB_ERR_INTERNAL' }, "ws's socket listener was not found: ws reads every client frame itself (slower; same behaviour)");
        }
        socket.resume();
      });
      // ws completes an upgrade synchronously or refuses it (a handshake detail it rejects, or a
      // socket that closed meanwhile); after a refusal the backend still hears of the connection.
      if (!upgraded) {
        detachFrameReader(socket);
        if (outcome.calledBackend) lifecycle.disconnects.notify(pending, 1006, 'handshake refused');
      }
    });
  });

  return {
    server,
    admission,
    stopAccepting() {
      accepting = false;
    },
    serveHttp(handler) {
      httpHandler = handler;
    },
    async handshakesSettled() {
      if (pendingHandshakes === 0) return;
      await new Promise<void>((resolve) => settledWaiters.push(resolve));
    },
  };
}
