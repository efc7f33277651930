/**
 * One client connection as the core sees it: identity, timestamps, handshake data, the socket
 * behind the ClientSocket interface, and the state of its ordered dispatch queue.
 */
import type { AuthorizerContext } from '../auth/authorizer-context.js';
import type { ClientSocket } from '../transport/client-socket.js';

export interface HandshakeInfo {
  /** Handshake headers with lower-case names, as Node parses them. Kept only until `$connect` returned. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Handshake headers as sent, `[name, value, name, value, …]` in the client's case (Node's `rawHeaders`). Kept only until `$connect` returned. */
  readonly rawHeaders?: readonly string[] | undefined;
  /** The raw query string without `?`, or "" when there is none. Kept only until `$connect` returned. */
  readonly rawQuery: string;
  /** The raw request path without the query (for SigV4 on the upgrade). Kept only until `$connect` returned. */
  readonly rawPath?: string | undefined;
  readonly sourceIp: string;
  readonly userAgent: string;
  /** `X-Forwarded-For` sent to backends: the client's own header, if any, plus the source IP. */
  readonly forwardedFor: string;
}

/** Shared by every open connection's slim handshake. */
const NO_HEADERS: HandshakeInfo['headers'] = Object.freeze({});

/** What a connection keeps of its handshake once open: later events carry no headers or query. */
export function slimHandshake(handshake: HandshakeInfo): HandshakeInfo {
  return { headers: NO_HEADERS, rawQuery: '', sourceIp: handshake.sourceIp, userAgent: handshake.userAgent, forwardedFor: handshake.forwardedFor };
}

export class Connection {
  readonly id: string;
  readonly stage: string;
  readonly connectedAt: number;
  readonly handshake: HandshakeInfo;
  /** Order of registration, used for paging. */
  readonly sequence: number;
  socket: ClientSocket;
  /** Epoch ms of the last data message in either direction. */
  lastActiveAt: number;
  /** Messages sent to the backend and not yet answered. */
  inFlight = 0;
  /** Messages waiting for an in-flight slot; created on first use. */
  queue: Buffer[] | undefined;
  /** Binary flags matching `queue` entries; created with it. */
  queueBinary: boolean[] | undefined;
  /** Payload bytes of the messages in `queue`, counted against `dispatch.maxQueuedBytes`. */
  queuedBytes = 0;
  /** True while reading is paused because the queue, or the node's queue budget, is full. */
  paused = false;
  /** Set when the gateway starts closing the socket: the code and reason it closes with. */
  closeRequested: { code: number; reason: string } | undefined;
  /** What the `$connect` authorizer returned (principalId, context); reaches `$context.authorizer.*` and every event. */
  authorizer: AuthorizerContext | undefined;
  /** Set once the socket closed: the gateway's code if it closed it, else the client's. */
  closed: { code: number; reason: string } | undefined;

  constructor(id: string, stage: string, connectedAt: number, handshake: HandshakeInfo, socket: ClientSocket, sequence: number) {
    this.id = id;
    this.stage = stage;
    this.connectedAt = connectedAt;
    this.lastActiveAt = connectedAt;
    this.handshake = handshake;
    this.socket = socket;
    this.sequence = sequence;
  }
}
