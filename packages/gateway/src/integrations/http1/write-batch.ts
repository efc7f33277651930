/**
 * Socket writes of the backend client. `writeBatched` coalesces the requests written to one
 * connection during one turn of the event loop into one write: the first write corks the socket,
 * and one `setImmediate` (right after the loop's I/O callbacks) uncorks every socket corked in that
 * turn. With pipelining, the messages of many clients that arrived together reach the backend in
 * one system call. Without pipelining a connection has one request at a time: `writeNow`.
 * `onWritten` is called once the last buffer was handed to the kernel, or with the error when Node
 * refused the write (EPIPE, ECONNRESET, the socket destroyed before the write left).
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

export type WriteCallback = (error?: Error | null) => void;

/** Writes `buffers` to `socket`, corked until the end of this turn of the event loop. */
export function writeBatched(socket: Socket, buffers: readonly Buffer[], onWritten: WriteCallback): void {
  if (socket.writableCorked === 0) {
    socket.cork();
    corked.push(socket);
    if (!scheduled) {
      scheduled = true;
      setImmediate(uncorkAll);
    }
  }
  writeAll(socket, buffers, onWritten);
}

/** Writes `buffers` to `socket` at once, in one system call. */
export function writeNow(socket: Socket, buffers: readonly Buffer[], onWritten: WriteCallback): void {
  if (buffers.length === 1) {
    socket.write(buffers[0] as Buffer, onWritten);
    return;
  }
  socket.cork();
  writeAll(socket, buffers, onWritten);
  socket.uncork();
}

/** Writes each buffer; the last one carries the callback (callbacks run in the order of writes). */
function writeAll(socket: Socket, buffers: readonly Buffer[], onWritten: WriteCallback): void {
  const last = buffers.length - 1;
  for (let i = 0; i < last; i += 1) socket.write(buffers[i] as Buffer);
  socket.write(buffers[last] as Buffer, onWritten);
}
