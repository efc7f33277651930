/**
 * Reads the raw client byte stream ahead of `ws`, frame header by frame header:
 *  - it enforces the limits `ws` cannot express, at the first byte of an offending frame: a data
 *    frame larger than `maxFrameBytes` (AWS: 32 KB; `ws` only knows the message limit) and a binary
 *    frame when binary is rejected (AWS closes with 1003);
 *  - it delivers the common frame itself: a whole, unfragmented, masked text or binary frame within
 *    the message limit, all of it in the chunk read, while the WebSocket is open. Its payload is
 *    unmasked in place and handed to `message`, text only when it is valid UTF-8;
 *  - every other byte goes to `ws`, in order, from the first frame it does not deliver to the end of
 *    the chunk: control frames, fragments, frames split across reads, invalid UTF-8 and anything that
 *    breaks the protocol, which `ws` answers as it always does. A frame split across reads goes to
 *    `ws` whole, so `ws` sees every frame it reads from its first byte, and its state between frames
 *    is the reader's.
 * Without a `forward` (the reader alone, as in its unit tests, or a `ws` whose listener could not be
 * found) it only watches: `ws` reads the socket itself.
 * @see RFC 6455 section 5.2
 */
import { isUtf8 } from 'node:buffer';

export type FrameViolation = 'frame-too-large' | 'binary';

/** Where a reader's frames, bytes and violations go: one per server, told the owner (no closure per connection). */
export interface FrameSink<Owner> {
  /** A whole data frame read here: its unmasked payload, text valid UTF-8. */
  message(owner: Owner, data: Buffer, binary: boolean): void;
  /** True while frames may be delivered here: the WebSocket is open. */
  isOpen(owner: Owner): boolean;
  violation(violation: FrameViolation, owner: Owner | undefined): void;
}

export interface FrameLimits {
  /** Largest data frame payload; 0 for no limit. */
  readonly maxFrameBytes: number;
  /** The message limit `ws` enforces (`maxPayload`): larger frames are left to it. 0 for no limit. */
  readonly maxMessageBytes: number;
  readonly rejectBinary: boolean;
}

const OPCODE_CONTINUATION = 0x0;
const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;

const MAX_HEADER_BYTES = 14;
/** Where every reader assembles a header; write() runs to completion, so one buffer serves all. */
const SCRATCH = Buffer.alloc(MAX_HEADER_BYTES);

/** `owner` is what the reader reads for (the connection, once open), handed to the sink. */
export class ClientFrameReader<Owner = unknown> {
  owner: Owner | undefined;
  /** Hands bytes to `ws` (its socket `data` listener, called on `forwardThis`). */
  forward: ((this: unknown, chunk: Buffer) => void) | undefined;
  forwardThis: unknown;
  readonly #limits: FrameLimits;
  readonly #sink: FrameSink<Owner>;
  /** Payload bytes of the current frame still to skip (they go to `ws`). */
  #skip = 0;
  /**
   * Header bytes carried over when a chunk ends inside a header (rare): made on first need, so an
   * idle connection carries no buffer. Headers are assembled in the shared SCRATCH buffer.
   */
  #partial: Buffer | undefined;
  #headerLength = 0;
  /** Opcode of the message in progress, for continuation frames. */
  #messageOpcode = 0;
  /** A fragmented message is in progress: its frames, and any data frame until it ends, go to `ws`. */
  #fragmented = false;
  #stopped = false;

  constructor(limits: FrameLimits, sink: FrameSink<Owner>) {
    this.#limits = limits;
    this.#sink = sink;
  }

  /** Feeds one chunk read from the socket. */
  write(chunk: Buffer): void {
    const header = SCRATCH;
    if (this.#headerLength > 0) this.#partial?.copy(header, 0, 0, this.#headerLength);
    const delivering = this.forward !== undefined;
    // From here to the end of the chunk the bytes go to ws: a frame that began in an earlier chunk
    // went there, so its rest does too.
    let forwardFrom = this.#stopped || this.#skip > 0 || this.#headerLength > 0 ? 0 : -1;
    let offset = 0;
    while (!this.#stopped && offset < chunk.length) {
      if (this.#skip > 0) {
        const step = Math.min(this.#skip, chunk.length - offset);
        this.#skip -= step;
        offset += step;
        continue;
      }
      const frameStart = offset - this.#headerLength;
      // Gather the header: 2 bytes, then the extended length and the 4-byte mask.
      while (this.#headerLength < 2 && offset < chunk.length) header[this.#headerLength++] = chunk[offset++] ?? 0;
      if (this.#headerLength < 2) {
        if (forwardFrom < 0) forwardFrom = Math.max(frameStart, 0);
        break;
      }
      const first = header[0] ?? 0;
      const second = header[1] ?? 0;
      const length7 = second & 0x7f;
      const masked = (second & 0x80) !== 0;
      const needed = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + (masked ? 4 : 0);
      while (this.#headerLength < needed && offset < chunk.length) header[this.#headerLength++] = chunk[offset++] ?? 0;
      if (this.#headerLength < needed) {
        if (forwardFrom < 0) forwardFrom = Math.max(frameStart, 0);
        break;
      }
      this.#headerLength = 0;
      const payload = length7 === 126 ? header.readUInt16BE(2) : length7 === 127 ? Number(header.readBigUInt64BE(2)) : length7;
      const opcode = first & 0x0f;
      if (this.#breaksLimit(opcode, payload)) {
        if (forwardFrom < 0) forwardFrom = frameStart;
        break;
      }
      if (
        forwardFrom < 0 &&
        delivering &&
        (first & 0xf0) === 0x80 && // FIN, no RSV bits
        (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY) &&
        masked &&
        !this.#fragmented &&
        payload <= chunk.length - offset &&
        (this.#limits.maxMessageBytes === 0 || payload <= this.#limits.maxMessageBytes) &&
        this.#deliver(chunk.subarray(offset, offset + payload), opcode === OPCODE_BINARY, header, needed - 4)
      ) {
        offset += payload;
        continue;
      }
      if (forwardFrom < 0) forwardFrom = frameStart;
      if (opcode < 0x8) this.#fragmented = opcode === OPCODE_CONTINUATION ? this.#fragmented && (first & 0x80) === 0 : (first & 0x80) === 0;
      this.#skip = payload;
    }
    // The chunk ended inside a header: keep its bytes for the next chunk.
    if (this.#headerLength > 0 && !this.#stopped) {
      this.#partial ??= Buffer.allocUnsafe(MAX_HEADER_BYTES);
      header.copy(this.#partial, 0, 0, this.#headerLength);
    }
    if (forwardFrom >= 0 && this.forward !== undefined) this.forward.call(this.forwardThis, forwardFrom === 0 ? chunk : chunk.subarray(forwardFrom));
  }

  /**
   * Unmasks `data` in place and hands it to the sink; false (with `data` masked again, for `ws`)
   * when the WebSocket is not open or a text payload is not UTF-8.
   */
  #deliver(data: Buffer, binary: boolean, header: Buffer, maskAt: number): boolean {
    const owner = this.owner;
    if (owner === undefined || !this.#sink.isOpen(owner)) return false;
    const m0 = header[maskAt] ?? 0;
    const m1 = header[maskAt + 1] ?? 0;
    const m2 = header[maskAt + 2] ?? 0;
    const m3 = header[maskAt + 3] ?? 0;
    toggleMask(data, m0, m1, m2, m3);
    if (!binary && !isUtf8(data)) {
      toggleMask(data, m0, m1, m2, m3);
      return false;
    }
    this.#sink.message(owner, data, binary);
    return true;
  }

  /** True, once the sink was told, when the frame breaks a limit: the reader then stops reading. */
  #breaksLimit(opcode: number, payload: number): boolean {
    if (opcode >= 0x8) return false; // control frames: ws enforces their 125-byte limit
    if (opcode !== OPCODE_CONTINUATION) this.#messageOpcode = opcode;
    if (this.#limits.rejectBinary && this.#messageOpcode === OPCODE_BINARY) return this.#stop('binary');
    if (this.#limits.maxFrameBytes !== 0 && payload > this.#limits.maxFrameBytes) return this.#stop('frame-too-large');
    return false;
  }

  #stop(violation: FrameViolation): true {
    this.#stopped = true;
    this.#sink.violation(violation, this.owner);
    return true;
  }
}

/** XORs `data` with the 4-byte mask: masks and unmasks (RFC 6455 5.3). */
function toggleMask(data: Buffer, m0: number, m1: number, m2: number, m3: number): void {
  const length = data.length;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    data[i] = (data[i] as number) ^ m0;
    data[i + 1] = (data[i + 1] as number) ^ m1;
    data[i + 2] = (data[i + 2] as number) ^ m2;
    data[i + 3] = (data[i + 3] as number) ^ m3;
  }
  if (i < length) data[i] = (data[i] as number) ^ m0;
  if (i + 1 < length) data[i + 1] = (data[i + 1] as number) ^ m1;
  if (i + 2 < length) data[i + 2] = (data[i + 2] as number) ^ m2;
}
