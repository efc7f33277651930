/**
 * Encodes one unfragmented, unmasked server-to-client data frame (RFC 6455 section 5.2) into a single
 * buffer: the header, then the payload. Written with one socket write, a reply skips the cork, the
 * two writes and the `writev` that `ws` makes per frame (transport/ws-client-socket.ts).
 */

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const FIN = 0x80;

/** The frame of `payload`: text or binary, FIN set, no mask, the shortest length encoding. */
export function encodeFrame(payload: Buffer, binary: boolean): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN | (binary ? OPCODE_BINARY : OPCODE_TEXT);
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, header);
  return frame;
}
