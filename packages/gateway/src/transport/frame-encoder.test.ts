// encodeFrame writes RFC 6455 headers with the shortest length encoding, FIN set and no mask,
// followed by the payload; real `ws` clients read these frames in every gateway integration test.
import { describe, expect, it } from 'vitest';
import { encodeFrame } from './frame-encoder.js';

function payloadOf(length: number): Buffer {
  const payload = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) payload[i] = 0x61 + (i % 26);
  return payload;
}

const CASES: { length: number; header: number[] }[] = [
  { length: 0, header: [0x81, 0] },
  { length: 1, header: [0x81, 1] },
  { length: 125, header: [0x81, 125] },
  { length: 126, header: [0x81, 126, 0x00, 0x7e] },
  { length: 1000, header: [0x81, 126, 0x03, 0xe8] },
  { length: 65_535, header: [0x81, 126, 0xff, 0xff] },
  { length: 65_536, header: [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0] },
  { length: 70_000, header: [0x81, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70] },
];

describe('encodeFrame', () => {
  for (const { length, header } of CASES) {
    it(`a ${length}-byte text frame: header ${header.length} bytes, then the payload`, () => {
      const payload = payloadOf(length);
      const frame = encodeFrame(payload, false);
      expect([...frame.subarray(0, header.length)]).toEqual(header);
      expect(frame.length).toBe(header.length + length);
      expect(frame.subarray(header.length).equals(payload)).toBe(true);
    });
  }

  it('a binary frame has opcode 2', () => {
    const frame = encodeFrame(Buffer.from([0, 1, 2]), true);
    expect([...frame]).toEqual([0x82, 3, 0, 1, 2]);
  });

  it('copies the payload: changing the source afterwards does not change the frame', () => {
    const payload = Buffer.from('hello');
    const frame = encodeFrame(payload, false);
    payload.fill(0);
    expect(frame.subarray(2).toString()).toBe('hello');
  });
});
