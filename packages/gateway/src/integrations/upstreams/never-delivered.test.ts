// Unit tests of the retry rule: which failures prove a request was never delivered.
import { describe, expect, it } from 'vitest';
import { isDrainingResponse, undeliveredError } from './never-delivered.js';
import { needsResolution } from './address-resolver.js';

const withCode = (code: string, sent?: boolean): Error =>
  Object.assign(new Error(code), { code, ...(sent === undefined ? {} : { sent }) });

describe('undeliveredError', () => {
  it('counts failures to connect as never delivered, whatever was written', () => {
    expect(undeliveredError(withCode('ECONNREFUSED'))).toBe('refused');
    expect(undeliveredError(withCode('EHOSTUNREACH', true))).toBe('refused');
    expect(undeliveredError(withCode('ETIMEDOUT', false))).toBe('connect-timeout');
    expect(undeliveredError(Object.assign(new Error('wrapped'), { cause: withCode('ECONNREFUSED') }))).toBe(
      'refused',
    );
  });

  it('counts a broken socket as never delivered only before the request was written', () => {
    expect(undeliveredError(withCode('closed', false))).toBe('reset-before-write');
    expect(undeliveredError(withCode('ECONNRESET', false))).toBe('reset-before-write');
    expect(undeliveredError(withCode('pool-closed', false))).toBe('reset-before-write');
    expect(undeliveredError(withCode('closed', true))).toBeUndefined();
    expect(undeliveredError(withCode('ECONNRESET', true))).toBeUndefined();
    expect(undeliveredError(withCode('ECONNRESET'))).toBeUndefined();
  });

  it('counts a write Node refused as never delivered, the request being marked not sent', () => {
    for (const code of ['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_SOCKET_CLOSED']) {
      expect(undeliveredError(withCode(code, false))).toBe('reset-before-write');
      expect(undeliveredError(withCode(code, true))).toBeUndefined();
    }
  });

  it('never counts a timeout once the request was written, bad answers or unknown failures', () => {
    expect(undeliveredError(withCode('timeout', true))).toBeUndefined();
    expect(undeliveredError(withCode('ETIMEDOUT', true))).toBeUndefined();
    expect(undeliveredError(withCode('bad-response', false))).toBeUndefined();
    expect(undeliveredError(new Error('no code'))).toBeUndefined();
    expect(undeliveredError(null)).toBeUndefined();
  });
});

describe('isDrainingResponse', () => {
  it('is a 503 with the drain header, nothing else', () => {
    expect(isDrainingResponse(503, { 'x-switchboard-draining': '1' })).toBe(true);
    expect(isDrainingResponse(503, {})).toBe(false);
    expect(isDrainingResponse(200, { 'x-switchboard-draining': '1' })).toBe(false);
  });
});

describe('needsResolution', () => {
  it('is true for host names, false for IP literals', () => {
    expect(needsResolution('http://backend.default.svc:3000')).toBe(true);
    expect(needsResolution('http://127.0.0.1:3000')).toBe(false);
    expect(needsResolution('http://[::1]:3000')).toBe(false);
  });
});
