// Unit tests of the backend client's request encoding: the bytes written, one buffer for a small
// body and head plus body for a large one, the headers the client sets itself, and header or
// request-line injection refused with `bad-request`.
import { describe, expect, it } from 'vitest';
import { BackendHttpError } from './backend-http-error.js';
import { encodeRequest, type RequestHead } from './request-head.js';

function text(buffers: readonly Buffer[]): string {
  return Buffer.concat(buffers).toString('latin1');
}

function refusal(request: RequestHead): BackendHttpError {
  try {
    encodeRequest(request, 'backend:8080', null, 'keep-alive');
  } catch (error) {
    expect(error).toBeInstanceOf(BackendHttpError);
    return error as BackendHttpError;
  }
  throw new Error(`no error for ${JSON.stringify(request)}`);
}

describe('encodeRequest', () => {
  it('writes a small body behind the head, in one buffer', () => {
    const buffers = encodeRequest({ method: 'POST', path: '/message?a=1', headers: { 'content-type': 'text/plain', 'x-id': 'abc' } }, 'backend:8080', Buffer.from('hello'), 'keep-alive');
    expect(buffers).toHaveLength(1);
    expect(text(buffers)).toBe(
      'POST /message?a=1 HTTP/1.1\r\nhost: backend:8080\r\nconnection: keep-alive\r\ncontent-type: text/plain\r\nx-id: abc\r\ncontent-length: 5\r\n\r\nhello',
    );
  });

  it('writes a large body apart from the head, without copying it', () => {
    const body = Buffer.alloc(16 * 1024, 'x');
    const buffers = encodeRequest({ method: 'POST', path: '/', headers: {} }, 'h', body, 'keep-alive');
    expect(buffers).toHaveLength(2);
    expect(buffers[1]).toBe(body);
    expect(buffers[0]?.toString('latin1')).toBe(`POST / HTTP/1.1\r\nhost: h\r\nconnection: keep-alive\r\ncontent-length: ${body.length}\r\n\r\n`);
  });

  it('copies a body just under the limit behind the head', () => {
    const body = Buffer.alloc(16 * 1024 - 1, 'y');
    const buffers = encodeRequest({ method: 'PUT', path: '/', headers: {} }, 'h', body, 'keep-alive');
    expect(buffers).toHaveLength(1);
    expect(buffers[0]?.subarray(-body.length)).toEqual(body);
  });

  it('sends no Content-Length on a GET without body, and Content-Length: 0 on a POST, PUT or PATCH without one', () => {
    expect(text(encodeRequest({ method: 'GET', path: '/health', headers: {} }, 'h', null, 'keep-alive'))).toBe('GET /health HTTP/1.1\r\nhost: h\r\nconnection: keep-alive\r\n\r\n');
    expect(text(encodeRequest({ method: 'DELETE', path: '/x', headers: {} }, 'h', Buffer.alloc(0), 'keep-alive'))).not.toContain('content-length');
    for (const method of ['POST', 'PUT', 'PATCH']) {
      expect(text(encodeRequest({ method, path: '/', headers: {} }, 'h', null, 'keep-alive'))).toBe(`${method} / HTTP/1.1\r\nhost: h\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n`);
    }
  });

  it('asks the server to close when told to', () => {
    expect(text(encodeRequest({ method: 'GET', path: '/', headers: {} }, 'h', null, 'close'))).toContain('\r\nconnection: close\r\n');
  });

  it('ignores the caller\'s own host, connection, content-length, transfer-encoding and keep-alive', () => {
    const headers = { host: 'evil', connection: 'upgrade', 'content-length': '999', 'transfer-encoding': 'chunked', 'keep-alive': 'timeout=1', 'x-kept': '1' };
    const written = text(encodeRequest({ method: 'POST', path: '/', headers }, 'good:1', Buffer.from('ab'), 'keep-alive'));
    expect(written).toBe('POST / HTTP/1.1\r\nhost: good:1\r\nconnection: keep-alive\r\nx-kept: 1\r\ncontent-length: 2\r\n\r\nab');
  });

  // Header names are case-insensitive: `Content-Length` from a caller is the same header as the
  // client's `content-length`, and two different values on one request are a smuggling vector.
  it('ignores the caller\'s own client headers whatever their case', () => {
    const headers = { Host: 'evil', Connection: 'upgrade', 'Content-Length': '999', 'TRANSFER-ENCODING': 'chunked', 'Keep-Alive': 'timeout=1' };
    const written = text(encodeRequest({ method: 'POST', path: '/', headers }, 'good:1', Buffer.from('ab'), 'keep-alive'));
    expect(written).toBe('POST / HTTP/1.1\r\nhost: good:1\r\nconnection: keep-alive\r\ncontent-length: 2\r\n\r\nab');
  });

  it('accepts tabs and latin-1 bytes in values, and any token in names', () => {
    const written = text(encodeRequest({ method: 'GET', path: '/', headers: { "x-a!#$%&'*+.^_`|~1": 'a\tb é' } }, 'h', null, 'keep-alive'));
    expect(written).toContain("x-a!#$%&'*+.^_`|~1: a\tb é\r\n");
  });

  it.each([
    ['CR LF', 'a\r\nx-injected: 1'],
    ['LF', 'a\nx-injected: 1'],
    ['CR', 'a\rb'],
    ['NUL', 'a\0b'],
    ['DEL', 'a\x7fb'],
    ['another control character', 'a\x01b'],
    ['a character beyond latin-1', 'price: 5 €'],
  ])('refuses a header value with %s', (_name, value) => {
    expect(refusal({ method: 'GET', path: '/', headers: { 'x-value': value } }).code).toBe('bad-request');
  });

  it.each([
    ['empty', ''],
    ['with a space', 'x a'],
    ['with a colon', 'x:a'],
    ['with CR LF', 'x\r\ny'],
    ['with a NUL', 'x\0'],
    ['non-ASCII', 'x-é'],
  ])('refuses a header name %s', (_name, name) => {
    expect(refusal({ method: 'GET', path: '/', headers: { [name]: 'v' } }).code).toBe('bad-request');
  });

  it.each([
    ['a space', '/a b'],
    ['CR LF', '/a\r\nx-injected: 1'],
    ['a NUL', '/a\0'],
    ['a tab', '/a\tb'],
    ['a non-ASCII character', '/é'],
  ])('refuses a path with %s', (_name, path) => {
    expect(refusal({ method: 'GET', path, headers: {} }).code).toBe('bad-request');
  });

  it.each(['', 'GE T', 'GET\r\n', 'G(ET)'])('refuses the method %j', (method) => {
    expect(refusal({ method, path: '/', headers: {} }).code).toBe('bad-request');
  });

  it('refuses before writing anything, and says nothing was sent', () => {
    const error = refusal({ method: 'GET', path: '/', headers: { 'x-a': 'a\nb' } });
    expect(error.sent).toBe(false);
  });
});
