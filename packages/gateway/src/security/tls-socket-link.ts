/**
 * Links the two sockets of a TLS connection. A TLS listener hands the accepted TCP socket to
 * `connection` and, once the TLS handshake is done, a separate TLSSocket to `secureConnection`,
 * `request` and `upgrade`. State kept from the moment of accept (the per-IP slot, the handshake
 * deadline) lives on the TCP socket; this finds it again from the TLSSocket, and the other way round.
 * The two are matched by the peer's address and port, unique among live connections.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';

const TCP = Symbol('switchboard.tcpSocket');
const TLS = Symbol('switchboard.tlsSocket');
const PEER_KEY = Symbol('switchboard.peerKey');

type LinkedSocket = Socket & { [TCP]?: Socket; [TLS]?: Socket; [PEER_KEY]?: string };

function peerKey(socket: Socket): string {
  return `${socket.remoteAddress ?? ''}|${String(socket.remotePort ?? '')}`;
}

export class TlsSocketLink {
  /** True on a TLS listener: HTTP runs on a TLSSocket over the accepted TCP socket. */
  readonly tls: boolean;
  /** TCP sockets whose TLS handshake has not completed, by peer address and port. */
  readonly #handshaking = new Map<string, Socket>();

  constructor(server: Server) {
    this.tls = server instanceof TlsServer;
    if (!this.tls) return;
    const handshaking = this.#handshaking;
    function forget(this: LinkedSocket): void {
      if (this[PEER_KEY] !== undefined) handshaking.delete(this[PEER_KEY]);
    }
    server.on('connection', (socket: LinkedSocket) => {
      const key = peerKey(socket);
      socket[PEER_KEY] = key;
      handshaking.set(key, socket);
      socket.on('close', forget);
    });
    // Before Node's own listener, which starts reading HTTP from the TLSSocket.
    server.prependListener('secureConnection', (secure: LinkedSocket) => {
      const key = peerKey(secure);
      const tcp: LinkedSocket | undefined = handshaking.get(key);
      if (tcp === undefined) return;
      handshaking.delete(key);
      tcp.off('close', forget);
      tcp[TLS] = secure;
      secure[TCP] = tcp;
    });
  }

  /** The accepted TCP socket under `socket` (a request's or upgrade's socket): itself without TLS. */
  tcpSocketOf(socket: Socket): Socket {
    return (socket as LinkedSocket)[TCP] ?? socket;
  }

  /** The socket HTTP is read from and written to: `tcp` itself without TLS; its TLSSocket once the TLS handshake is done; else undefined. */
  httpSocketOf(tcp: Socket): Socket | undefined {
    return this.tls ? (tcp as LinkedSocket)[TLS] : tcp;
  }
}
