/**
 * Puts a ClientFrameReader on an upgraded client socket: the reader is kept on the socket itself and
 * its `data` listener is one module-level function, so a connection carries no closure for it. Once
 * `ws` has added its own listener, the reader takes its place and calls it with the bytes it does not
 * deliver (client-frame-reader.ts).
 */
import type { Duplex } from 'node:stream';
import type { ClientFrameReader } from './client-frame-reader.js';

/** What the socket's listener needs of its reader, whatever the reader's owner type. */
interface ChunkReader {
  write(chunk: Buffer): void;
}

const FRAME_READER = Symbol('switchboard.frameReader');
type ReadSocket = Duplex & { [FRAME_READER]?: ChunkReader };

/** The socket's `data` listener, shared by every connection (`this` is the socket). */
function feedFrameReader(this: ReadSocket, chunk: Buffer): void {
  this[FRAME_READER]?.write(chunk);
}

/** Starts feeding the socket's bytes to `reader`, before anyone else listens. */
export function attachFrameReader<Owner>(socket: Duplex, reader: ClientFrameReader<Owner>): void {
  (socket as ReadSocket)[FRAME_READER] = reader;
  socket.on('data', feedFrameReader);
}

/** Stops feeding the socket's bytes to its reader. */
export function detachFrameReader(socket: Duplex): void {
  socket.off('data', feedFrameReader);
  (socket as ReadSocket)[FRAME_READER] = undefined;
}

/**
 * Makes the reader the socket's only `data` listener once `ws` has added its own: `ws` then gets the
 * bytes the reader does not deliver. False, with both still listening and the reader only watching
 * the limits, when `ws`'s listener cannot be told apart (a `ws` version with other listeners).
 */
export function readBeforeWs<Owner>(socket: Duplex, reader: ClientFrameReader<Owner>): boolean {
  const listeners = socket.listeners('data');
  const wsListener = listeners.find((listener) => listener !== feedFrameReader);
  if (listeners.length !== 2 || !listeners.includes(feedFrameReader) || wsListener === undefined) return false;
  socket.off('data', wsListener as (chunk: Buffer) => void);
  reader.forward = wsListener as (chunk: Buffer) => void;
  reader.forwardThis = socket;
  return true;
}
