// Unit and property tests for ClientFrameReader: the frame limits at the first byte of an offending
// frame, whole data frames delivered unmasked, and every other byte handed on in order, so that a
// reader of the forwarded bytes (ws) sees each of its frames from its first byte.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientFrameReader, type FrameSink, type FrameViolation } from './client-frame-reader.js';

/** A masked client frame with the given opcode and payload length. */
function frame(opcode: number, length: number, fin = true): Buffer {
  const header: number[] = [(fin ? 0x80 : 0) | opcode];
  if (length < 126) header.push(0x80 | length);
  else if (length < 65_536) header.push(0x80 | 126, length >> 8, length & 0xff);
  else {
    header.push(0x80 | 127, 0, 0, 0, 0);
    header.push((length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
  }
  header.push(1, 2, 3, 4);
  return Buffer.concat([Buffer.from(header), Buffer.alloc(length, 0x61)]);
}

/** A sink that only records violations. */
function violations(seen: FrameViolation[]): FrameSink<unknown> {
  return { message: () => undefined, isOpen: () => true, violation: (v) => seen.push(v) };
}

function run(max: number, rejectBinary: boolean, chunks: Buffer[]): FrameViolation[] {
  const seen: FrameViolation[] = [];
  const guard = new ClientFrameReader({ maxFrameBytes: max, maxMessageBytes: 0, rejectBinary }, violations(seen));
  for (const chunk of chunks) guard.write(chunk);
  return seen;
}

describe('ClientFrameReader: the frame limits', () => {
  it('lets frames at the limit through, in any chunking', () => {
    const stream = Buffer.concat([frame(1, 10), frame(1, 200), frame(9, 4), frame(1, 1000)]);
    expect(run(1000, true, [stream])).toEqual([]);
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(run(1000, true, bytes)).toEqual([]);
  });

  it('flags a frame over the limit, with 16-bit and 64-bit lengths', () => {
    expect(run(1000, true, [frame(1, 1001)])).toEqual(['frame-too-large']);
    expect(run(32_768, true, [frame(1, 70_000)])).toEqual(['frame-too-large']);
  });

  it('flags an oversize frame split across chunks at its header', () => {
    const big = frame(1, 40_000); // header: 2 bytes, 2 of length, 4 of mask
    expect(run(32_768, true, [big.subarray(0, 1), big.subarray(1, 3), big.subarray(3, 8)])).toEqual(['frame-too-large']);
  });

  it('flags binary frames and binary continuations when binary is rejected', () => {
    expect(run(1000, true, [frame(2, 5)])).toEqual(['binary']);
    expect(run(1000, false, [frame(2, 5)])).toEqual([]);
    expect(run(1000, false, [frame(2, 5, false), frame(0, 2000)])).toEqual(['frame-too-large']);
  });

  it('counts fragments one frame at a time', () => {
    expect(run(100, true, [frame(1, 100, false), frame(0, 100, false), frame(0, 100)])).toEqual([]);
  });

  it('stops after the first violation', () => {
    expect(run(10, true, [frame(1, 11), frame(1, 11)])).toEqual(['frame-too-large']);
  });

  it('keeps the partial header of each reader apart, although they share one assembly buffer', () => {
    const seenA: FrameViolation[] = [];
    const seenB: FrameViolation[] = [];
    const limits = { maxFrameBytes: 1000, maxMessageBytes: 0, rejectBinary: true };
    const a = new ClientFrameReader(limits, violations(seenA));
    const b = new ClientFrameReader(limits, violations(seenB));
    const big = frame(1, 2000); // header: 2 bytes, 2 of length, 4 of mask
    a.write(big.subarray(0, 3)); // a stops inside its header
    b.write(frame(1, 10)); // b assembles a whole header in the shared buffer
    b.write(frame(2, 1));
    a.write(big.subarray(3, 8)); // a must resume with its own bytes
    expect(seenA).toEqual(['frame-too-large']);
    expect(seenB).toEqual(['binary']);
  });

  it('is off with a limit of 0', () => {
    expect(run(0, false, [frame(1, 70_000)])).toEqual([]);
  });
});

/** A client frame with a real mask over `payload`. */
function masked(opcode: number, payload: Buffer, options: { fin?: boolean; rsv?: number; mask?: boolean } = {}): Buffer {
  const { fin = true, rsv = 0, mask = true } = options;
  const key = [0x37, 0xfa, 0x21, 0x3d];
  const length = payload.length;
  const header: number[] = [(fin ? 0x80 : 0) | rsv | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) header.push(maskBit | length);
  else header.push(maskBit | 126, length >> 8, length & 0xff);
  if (mask) header.push(...key);
  const body = Buffer.from(payload);
  if (mask) for (let i = 0; i < body.length; i += 1) body[i] = (body[i] ?? 0) ^ (key[i % 4] ?? 0);
  return Buffer.concat([Buffer.from(header), body]);
}

/**
 * What `ws` would make of the forwarded bytes: frames parsed from their first byte (a frame that
 * does not start where the last one ended is garbage, and shows as such), data messages reassembled.
 */
class ReferenceReader {
  #pending = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #fragmentBinary = false;
  constructor(private readonly log: string[]) {}
  write(chunk: Buffer): void {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    for (;;) {
      const bytes = this.#pending;
      if (bytes.length < 2) return;
      const first = bytes[0] ?? 0;
      const length7 = (bytes[1] ?? 0) & 0x7f;
      const isMasked = ((bytes[1] ?? 0) & 0x80) !== 0;
      const lengthBytes = length7 === 126 ? 2 : 0;
      const headerBytes = 2 + lengthBytes + (isMasked ? 4 : 0);
      if (bytes.length < headerBytes) return;
      const length = length7 === 126 ? bytes.readUInt16BE(2) : length7;
      if (bytes.length < headerBytes + length) return;
      const payload = Buffer.from(bytes.subarray(headerBytes, headerBytes + length));
      if (isMasked) for (let i = 0; i < length; i += 1) payload[i] = (payload[i] ?? 0) ^ (bytes[2 + lengthBytes + (i % 4)] ?? 0);
      this.#pending = bytes.subarray(headerBytes + length);
      const opcode = first & 0x0f;
      const fin = (first & 0x80) !== 0;
      if ((first & 0x70) !== 0 || !isMasked) this.log.push(`ws:protocol-error`);
      else if (opcode >= 0x8) this.log.push(`ws:control ${String(opcode)} ${payload.toString('hex')}`);
      else {
        if (opcode !== 0) this.#fragmentBinary = opcode === 2;
        this.#fragments.push(payload);
        if (fin) {
          const whole = Buffer.concat(this.#fragments);
          this.#fragments = [];
          this.log.push(`message ${this.#fragmentBinary ? 'binary' : 'text'} ${whole.toString('hex')}`);
        }
      }
    }
  }
}

/** A reader that delivers and forwards, with the log of what came out, in order. */
function deliveringReader(options: { maxMessageBytes?: number; open?: () => boolean } = {}) {
  const log: string[] = [];
  const ws = new ReferenceReader(log);
  const forwarded: Buffer[] = [];
  const reader = new ClientFrameReader<string>(
    { maxFrameBytes: 0, maxMessageBytes: options.maxMessageBytes ?? 0, rejectBinary: false },
    {
      message: (owner, data, binary) => log.push(`message ${binary ? 'binary' : 'text'} ${data.toString('hex')}`, `(delivered to ${owner})`),
      isOpen: options.open ?? (() => true),
      violation: (violation) => log.push(`violation ${violation}`),
    },
  );
  reader.owner = 'connection';
  reader.forward = function (this: unknown, chunk: Buffer) {
    expect(this).toBe(forwarded);
    forwarded.push(Buffer.from(chunk));
    ws.write(chunk);
  };
  reader.forwardThis = forwarded;
  return { reader, log, forwarded };
}

const text = (value: string) => Buffer.from(value);
const hex = (value: string) => Buffer.from(value).toString('hex');

describe('ClientFrameReader: delivering data frames', () => {
  it('delivers whole text and binary frames unmasked, several to a chunk, and forwards nothing', () => {
    const { reader, log, forwarded } = deliveringReader();
    reader.write(Buffer.concat([masked(1, text('hello')), masked(2, Buffer.from([0, 1, 2, 255])), masked(1, text(''))]));
    reader.write(masked(1, text('é漢😀'.repeat(40))));
    expect(log.filter((line) => line.startsWith('message'))).toEqual([
      `message text ${hex('hello')}`,
      'message binary 000102ff',
      'message text ',
      `message text ${hex('é漢😀'.repeat(40))}`,
    ]);
    expect(log).toContain('(delivered to connection)');
    expect(forwarded).toEqual([]);
  });

  it('forwards control frames, fragments, unmasked or RSV frames and invalid UTF-8, from that frame on, unchanged', () => {
    for (const odd of [
      masked(9, text('ping')),
      Buffer.concat([masked(1, text('frag'), { fin: false }), masked(0, text('ment'))]),
      masked(1, text('no mask'), { mask: false }),
      masked(1, text('rsv'), { rsv: 0x40 }),
      masked(1, Buffer.from([0x61, 0xc3, 0x28])),
    ]) {
      const { reader, forwarded } = deliveringReader();
      const before = masked(1, text('before'));
      const after = masked(1, text('after'));
      reader.write(Buffer.concat([before, odd, after]));
      // The odd frame and everything after it in the chunk, byte for byte as read.
      expect(Buffer.concat(forwarded)).toEqual(Buffer.concat([odd, after]));
    }
  });

  it('forwards a data frame that comes inside a fragmented message (ws closes for it), in this chunk or the next', () => {
    const start = masked(1, text('frag'), { fin: false });
    const intruder = masked(1, text('intruder'));
    const { reader, forwarded } = deliveringReader();
    reader.write(start);
    reader.write(intruder);
    expect(forwarded).toEqual([start, intruder]);
  });

  it('forwards a frame split across reads whole, and delivers again from the next chunk that starts a frame', () => {
    const { reader, log, forwarded } = deliveringReader();
    const split = masked(1, text('split across reads'));
    reader.write(Buffer.concat([masked(1, text('one')), split.subarray(0, 1)]));
    reader.write(split.subarray(1, 5));
    reader.write(Buffer.concat([split.subarray(5), masked(1, text('two'))]));
    reader.write(masked(1, text('three')));
    expect(Buffer.concat(forwarded)).toEqual(Buffer.concat([split, masked(1, text('two'))]));
    expect(log).toEqual([
      `message text ${hex('one')}`,
      '(delivered to connection)',
      `message text ${hex('split across reads')}`,
      `message text ${hex('two')}`,
      `message text ${hex('three')}`,
      '(delivered to connection)',
    ]);
  });

  it('leaves to ws a frame over the message limit, and every frame once the WebSocket is no longer open', () => {
    const limited = deliveringReader({ maxMessageBytes: 4 });
    limited.reader.write(Buffer.concat([masked(1, text('four')), masked(1, text('fiver'))]));
    expect(Buffer.concat(limited.forwarded)).toEqual(masked(1, text('fiver')));
    let open = true;
    const closing = deliveringReader({ open: () => open });
    closing.reader.write(masked(1, text('open')));
    open = false;
    closing.reader.write(masked(1, text('closing')));
    expect(closing.forwarded).toEqual([masked(1, text('closing'))]);
  });

  it('after a violation, forwards the offending frame and everything after it', () => {
    const seen: FrameViolation[] = [];
    const forwarded: Buffer[] = [];
    const reader = new ClientFrameReader<string>({ maxFrameBytes: 8, maxMessageBytes: 0, rejectBinary: false }, violations(seen));
    reader.owner = 'connection';
    reader.forward = (chunk) => forwarded.push(Buffer.from(chunk));
    const big = masked(1, text('more than eight'));
    reader.write(Buffer.concat([masked(1, text('ok')), big]));
    reader.write(masked(1, text('later')));
    expect(seen).toEqual(['frame-too-large']);
    expect(forwarded).toEqual([big, masked(1, text('later'))]);
  });

  it('any frames in any chunking: every message comes out once, in order, and ws reads every frame from its first byte', () => {
    const frameArbitrary = fc.oneof(
      fc.string({ maxLength: 200 }).map((value) => ({ frames: [masked(1, text(value))], out: [`message text ${hex(value)}`] })),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ frames: [masked(2, Buffer.from(bytes))], out: [`message binary ${Buffer.from(bytes).toString('hex')}`] })),
      fc.string({ maxLength: 20 }).map((value) => ({ frames: [masked(9, text(value))], out: [`ws:control 9 ${hex(value)}`] })),
      fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 })).map(([a, b, c]) => ({
        frames: [masked(1, text(a), { fin: false }), masked(10, text('pong')), masked(0, text(b), { fin: false }), masked(0, text(c))],
        out: [`ws:control 10 ${hex('pong')}`, `message text ${hex(a + b + c)}`],
      })),
    );
    fc.assert(
      fc.property(fc.array(frameArbitrary, { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }), (items, cuts) => {
        const { reader, log } = deliveringReader();
        const stream = Buffer.concat(items.flatMap((item) => item.frames));
        for (let at = 0, i = 0; at < stream.length; i += 1) {
          const size = cuts[i % cuts.length] ?? 1;
          reader.write(stream.subarray(at, at + size));
          at += size;
        }
        expect(log.filter((line) => !line.startsWith('(delivered'))).toEqual(items.flatMap((item) => item.out));
      }),
    );
  });
});
