import { describe, expect, it } from 'vitest';
import { FrameSizeGuard, type FrameViolation } from './frame-size-guard.js';

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

function run(max: number, rejectBinary: boolean, chunks: Buffer[]): FrameViolation[] {
  const seen: FrameViolation[] = [];
  const guard = new FrameSizeGuard(max, rejectBinary, (v) => seen.push(v));
  for (const chunk of chunks) guard.write(chunk);
  return seen;
}

describe('FrameSizeGuard', () => {
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

  it('keeps the partial header of each guard apart, although they share one assembly buffer', () => {
    const seenA: FrameViolation[] = [];
    const seenB: FrameViolation[] = [];
    const a = new FrameSizeGuard(1000, true, (v) => seenA.push(v));
    const b = new FrameSizeGuard(1000, true, (v) => seenB.push(v));
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
