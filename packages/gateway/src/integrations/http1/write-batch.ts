/**
 * Socket writes of the backend client. `writeBatched` coalesces the requests written to one
 * connection during one turn of the event loop into one write: the first write corks the socket,
 * and one `setImmediate` (right after the loop's I/O callbacks) uncorks every socket corked in that
 * turn. With pipelining, the messages of many clients that arrived together reach the backend in
 * one system call. Without pipelining a connection has one request at a time: `writeNow`.
 */
import type { Socket } from 'node:net';

let corked: Socket[] = [];
let scheduled = false;

function uncorkAll(): void {
  const sockets = corked;
  corked = [];
  scheduled = false;
  for (const socket of sockets) socket.uncork();
}

/** Writes `buffers` to `socket`, corked until the end of this turn of the event loop. */
export function writeBatched(socket: Socket, buffers: readonly Buffer[]): void {
  if (socket.writableCorked === 0) {
    socket.cork();
    corked.push(socket);
    if (!scheduled) {
      scheduled = true;
      setImmediate(uncorkAll);
    }
  }
  for (const buffer of buffers) socket.write(buffer);
}

/** Writes `buffers` to `socket` at once, in one system call. */
export function writeNow(socket: Socket, buffers: readonly Buffer[]): void {
  if (buffers.length === 1) {
    socket.write(buffers[0] as Buffer);
    return;
  }
  socket.cork();
  for (const buffer of buffers) socket.write(buffer);
  socket.uncork();
}
