/**
 * Watches the raw client byte stream for frame headers, ahead of `ws`, so that limits that `ws`
 * cannot express are enforced at the first byte of an offending frame:
 *  - a data frame larger than `maxFrameBytes` (AWS: 32 KB; `ws` only knows the message limit);
 *  - a binary frame when binary is rejected (AWS closes with 1003).
 * It parses only headers (2 to 14 bytes) and skips payloads, so its cost is a few operations a frame.
 * @see RFC 6455 section 5.2
 */

export type FrameViolation = 'frame-too-large' | 'binary';

const OPCODE_CONTINUATION = 0x0;
const OPCODE_BINARY = 0x2;

const MAX_HEADER_BYTES = 14;
/** Where every guard assembles a header; write() runs to completion, so one buffer serves all. */
const SCRATCH = Buffer.alloc(MAX_HEADER_BYTES);

/** `owner` is what the guard watches for (the connection, once open), handed to `onViolation`. */
export class FrameSizeGuard<Owner = unknown> {
  owner: Owner | undefined;
  readonly #maxFrameBytes: number;
  readonly #rejectBinary: boolean;
  readonly #onViolation: (violation: FrameViolation, owner: Owner | undefined) => void;
  /** Payload bytes of the current frame still to skip. */
  #skip = 0;
  /**
   * Header bytes carried over when a chunk ends inside a header (rare): made on first need, so an
   * idle connection carries no buffer. Headers are assembled in the shared SCRATCH buffer.
   */
  #partial: Buffer | undefined;
  #headerLength = 0;
  /** Opcode of the message in progress, for continuation frames. */
  #messageOpcode = 0;
  #stopped = false;

  constructor(maxFrameBytes: number, rejectBinary: boolean, onViolation: (violation: FrameViolation, owner: Owner | undefined) => void) {
    this.#maxFrameBytes = maxFrameBytes === 0 ? Number.POSITIVE_INFINITY : maxFrameBytes;
    this.#rejectBinary = rejectBinary;
    this.#onViolation = onViolation;
  }

  /** Feeds one chunk read from the socket. */
  write(chunk: Buffer): void {
    const header = SCRATCH;
    if (this.#headerLength > 0) this.#partial?.copy(header, 0, 0, this.#headerLength);
    let offset = 0;
    while (!this.#stopped && offset < chunk.length) {
      if (this.#skip > 0) {
        const step = Math.min(this.#skip, chunk.length - offset);
        this.#skip -= step;
        offset += step;
        continue;
      }
      // Gather the header: 2 bytes, then the extended length and the 4-byte mask.
      while (this.#headerLength < 2 && offset < chunk.length) header[this.#headerLength++] = chunk[offset++] ?? 0;
      if (this.#headerLength < 2) break;
      const second = header[1] ?? 0;
      const length7 = second & 0x7f;
      const masked = (second & 0x80) !== 0;
      const needed = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + (masked ? 4 : 0);
      while (this.#headerLength < needed && offset < chunk.length) header[this.#headerLength++] = chunk[offset++] ?? 0;
      if (this.#headerLength < needed) break;
      this.#headerLength = 0;
      const payload = length7 === 126 ? header.readUInt16BE(2) : length7 === 127 ? Number(header.readBigUInt64BE(2)) : length7;
      this.#check((header[0] ?? 0) & 0x0f, payload);
      this.#skip = payload;
    }
    // The chunk ended inside a header: keep its bytes for the next chunk.
    if (this.#headerLength > 0 && !this.#stopped) {
      this.#partial ??= Buffer.allocUnsafe(MAX_HEADER_BYTES);
      header.copy(this.#partial, 0, 0, this.#headerLength);
    }
  }

  #check(opcode: number, payload: number): void {
    if (opcode >= 0x8) return; // control frames: ws enforces their 125-byte limit
    if (opcode !== OPCODE_CONTINUATION) this.#messageOpcode = opcode;
    if (this.#rejectBinary && this.#messageOpcode === OPCODE_BINARY) this.#stop('binary');
    else if (payload > this.#maxFrameBytes) this.#stop('frame-too-large');
  }

  #stop(violation: FrameViolation): void {
    this.#stopped = true;
    this.#onViolation(violation, this.owner);
  }
}
