// Unit tests: owner requests and replies survive encoding, and garbage is refused.
import { describe, expect, it } from 'vitest';
import {
  decodeCount,
  decodeReply,
  decodeRequest,
  encodeCount,
  encodeReply,
  encodeRequest,
  ops,
  replyStatus,
} from './owner-protocol.js';

describe('owner protocol', () => {
  it('round-trips a request with binary data and UTF-8 names', () => {
    const request = {
      op: ops.join,
      stage: 'dev',
      name: 'R1kmxc2VNjMCFIA=',
      group: 'salle-à-manger',
      data: Buffer.from([0, 1, 255]),
    };
    expect(decodeRequest(encodeRequest(request))).toEqual(request);
    const empty = { op: ops.broadcast, stage: 'prod', name: '', group: '', data: Buffer.alloc(0) };
    expect(decodeRequest(encodeRequest(empty))).toEqual(empty);
  });

  it('refuses bytes that are not a request', () => {
    expect(decodeRequest(Buffer.alloc(0))).toBeUndefined();
    expect(decodeRequest(Buffer.from([99, 0, 0, 0]))).toBeUndefined();
    expect(decodeRequest(Buffer.from([ops.post, 10, 65]))).toBeUndefined();
  });

  it('round-trips replies and counts', () => {
    expect(decodeReply(encodeReply(replyStatus.gone))).toEqual({
      status: replyStatus.gone,
      body: Buffer.alloc(0),
    });
    const reply = decodeReply(encodeReply(replyStatus.ok, encodeCount(10_000)));
    expect(decodeCount(reply.body)).toBe(10_000);
    expect(decodeReply(Buffer.from([42])).status).toBe(replyStatus.internal);
  });
});
