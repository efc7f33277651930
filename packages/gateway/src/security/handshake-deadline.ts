/**
 * Slowloris defence for the client listener: a TCP connection whose request headers (the upgrade)
 * are not complete within `timeouts.handshakeMs` gets `408 Request Timeout` and is closed. Node's own
 * `headersTimeout` is checked only every `connectionsCheckingInterval` (30 s), far too coarse for
 * this; here each connection has its own timer, cleared as soon as its request or upgrade arrives.
 * With TLS the timer starts once the TLS handshake completed (Node bounds that one by its own
 * `handshakeTimeout`, 120 s).
 */
import type { IncomingMessage, Server } from 'node:http';
import { Server as TlsServer } from 'node:tls';
import type { Socket } from 'node:net';

const TIMEOUT_ANSWER = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 29\r\n\r\n{"message":"Request Timeout"}';

export function enforceHandshakeDeadline(server: Server, handshakeMs: number): void {
  // Only sockets still waiting for their request are in the map; each leaves it as soon as it
  // settles, so an open connection keeps no timer, closure or listener from its handshake.
  const deadlines = new WeakMap<Socket, NodeJS.Timeout>();
  function forget(this: Socket): void {
    const timer = deadlines.get(this);
    if (timer === undefined) return;
    clearTimeout(timer);
    deadlines.delete(this);
    this.off('close', forget);
  }
  const event = server instanceof TlsServer ? 'secureConnection' : 'connection';
  server.on(event, (socket: Socket) => {
    deadlines.set(socket, setTimeout(answerTooLate, handshakeMs, socket));
    socket.on('close', forget);
  });
  const settle = (request: IncomingMessage) => {
    forget.call(request.socket);
  };
  server.on('request', settle);
  server.on('upgrade', settle);
}

function answerTooLate(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writable) socket.end(TIMEOUT_ANSWER, () => socket.destroy());
  else socket.destroy();
  // A peer that never reads would hold the socket: destroy it in any case shortly after.
  setTimeout(() => socket.destroy(), 1000).unref();
}
