// Unit and property tests of the backend client's HTTP/1.1 response parser: status line, headers,
// each body framing, interim and bodiless responses, keep-alive rules, pipelined leftovers, the body
// limit, and every malformed response refused with `bad-response`. The property test splits valid
// responses at random points and checks the parse is the same as in one chunk.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackendHttpError } from './backend-http-error.js';
import { ResponseParser, type ParsedResponse } from './response-parser.js';

interface ParseOptions {
  readonly keepBody?: boolean;
  readonly noBody?: boolean;
  readonly maxBodyBytes?: number;
}

function parser(options: ParseOptions = {}): ResponseParser {
  const p = new ResponseParser();
  p.reset(options.keepBody ?? true, options.noBody ?? false, options.maxBodyBytes ?? Number.POSITIVE_INFINITY);
  return p;
}

/** Parses `text` fed as the given chunks; returns the response and the bytes left over. */
function parseChunks(chunks: readonly Buffer[], options: ParseOptions = {}, closeAtEnd = false): { response: ParsedResponse; leftover: Buffer } {
  const p = parser(options);
  for (let i = 0; i < chunks.length; i += 1) {
    const chunk = chunks[i] ?? Buffer.alloc(0);
    const left = p.execute(chunk);
    if (left >= 0) {
      expect(p.done).toBe(true);
      const leftover = Buffer.concat([chunk.subarray(chunk.length - left), ...chunks.slice(i + 1)]);
      return { response: p.result(), leftover };
    }
  }
  if (closeAtEnd) {
    p.end();
    expect(p.done).toBe(true);
    return { response: p.result(), leftover: Buffer.alloc(0) };
  }
  throw new Error('the response is not complete');
}

function parse(text: string, options: ParseOptions = {}, closeAtEnd = false): { response: ParsedResponse; leftover: Buffer } {
  return parseChunks([Buffer.from(text, 'latin1')], options, closeAtEnd);
}

/** The error thrown while parsing `text`, fed in one chunk then ended. */
function failure(text: string, options: ParseOptions = {}): BackendHttpError {
  const p = parser(options);
  try {
    const left = p.execute(Buffer.from(text, 'latin1'));
    if (left === -1) p.end();
  } catch (error) {
    expect(error).toBeInstanceOf(BackendHttpError);
    return error as BackendHttpError;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('ResponseParser', () => {
  describe('status line and headers', () => {
    it('reads the status code, lower-cases header names and trims values', () => {
      const { response, leftover } = parse('HTTP/1.1 201 Created\r\nContent-Type:  text/plain \r\nX-Thing:a\r\nContent-Length: 2\r\n\r\nhi');
      expect(response.statusCode).toBe(201);
      expect(response.headers).toEqual({ 'content-type': 'text/plain', 'x-thing': 'a', 'content-length': '2' });
      expect(response.body.toString()).toBe('hi');
      expect(leftover.length).toBe(0);
    });

    it('accepts a status line without a reason phrase, or with an empty one', () => {
      expect(parse('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n').response.statusCode).toBe(200);
      expect(parse('HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n').response.statusCode).toBe(404);
    });

    it('turns repeated headers into an array, in order', () => {
      const { response } = parse('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nSET-COOKIE: c=3\r\nVary: x\r\nVary: y\r\nContent-Length: 0\r\n\r\n');
      expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2', 'c=3']);
      expect(response.headers.vary).toEqual(['x', 'y']);
    });

    it('keeps a header with an empty value', () => {
      expect(parse('HTTP/1.1 200 OK\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n').response.headers['x-empty']).toBe('');
    });
  });

  describe('bodies', () => {
    it('reads a Content-Length body and nothing more', () => {
      const { response, leftover } = parse('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
      expect(response.body.toString()).toBe('hello');
      expect(response.keepAlive).toBe(true);
      expect(leftover.length).toBe(0);
    });

    it('completes a Content-Length: 0 response at the end of its head', () => {
      const p = parser();
      expect(p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'))).toBe(0);
      expect(p.done).toBe(true);
      expect(p.result().body.length).toBe(0);
    });

    it('accepts a Content-Length repeated with the same value', () => {
      expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc').response.body.toString()).toBe('abc');
      expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc').response.body.toString()).toBe('abc');
    });

    it('waits for the rest of a Content-Length body', () => {
      const p = parser();
      expect(p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello'))).toBe(-1);
      expect(p.done).toBe(false);
      expect(p.execute(Buffer.from('world'))).toBe(0);
      expect(p.result().body.toString()).toBe('helloworld');
    });

    it('reads a chunked body with chunk extensions and trailers', () => {
      const text =
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5;name=value\r\nhello\r\n' +
        'A ; a=1; b="x y"\r\n, world!!!\r\n' +
        '0;last\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n';
      const { response, leftover } = parse(text);
      expect(response.body.toString()).toBe('hello, world!!!');
      expect(response.keepAlive).toBe(true);
      expect(response.headers['x-trailer']).toBeUndefined();
      expect(leftover.length).toBe(0);
    });

    it('reads an empty chunked body', () => {
      expect(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n').response.body.length).toBe(0);
    });

    it('reads chunked when it is the last of several codings, and lets it override Content-Length', () => {
      expect(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n').response.body.toString()).toBe('ab');
      expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n').response.body.toString()).toBe('ab');
    });

    it('reads a body without length until the connection closes, and does not keep the connection', () => {
      const p = parser();
      expect(p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome '))).toBe(-1);
      expect(p.readsUntilClose).toBe(true);
      expect(p.execute(Buffer.from('more'))).toBe(-1);
      p.end();
      expect(p.done).toBe(true);
      expect(p.result().body.toString()).toBe('some more');
      expect(p.result().keepAlive).toBe(false);
    });

    it('fails with closed when the connection ends before a framed body is complete', () => {
      expect(failure('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello').code).toBe('closed');
      expect(failure('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel').code).toBe('closed');
      expect(failure('HTTP/1.1 200 OK\r\nContent-').code).toBe('closed');
      expect(failure('').code).toBe('closed');
    });

    it.each([204, 304])('reads no body for %i, whatever the headers say', (status) => {
      const { response, leftover } = parse(`HTTP/1.1 ${status} X\r\nContent-Length: 5\r\n\r\nnext!`);
      expect(response.statusCode).toBe(status);
      expect(response.body.length).toBe(0);
      expect(leftover.toString()).toBe('next!');
    });

    it('reads no body for the answer to HEAD', () => {
      const { response, leftover } = parse('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', { noBody: true });
      expect(response.headers['content-length']).toBe('5');
      expect(response.body.length).toBe(0);
      expect(response.keepAlive).toBe(true);
      expect(leftover.length).toBe(0);
      expect(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', { noBody: true }).response.body.length).toBe(0);
    });
  });

  describe('interim responses', () => {
    it('skips 100 Continue and 103 Early Hints and reads the final response', () => {
      const { response } = parse(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      );
      expect(response.statusCode).toBe(200);
      expect(response.headers).toEqual({ 'content-length': '2' });
      expect(response.body.toString()).toBe('ok');
    });

    it('skips an interim response that arrives on its own', () => {
      const p = parser();
      expect(p.execute(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'))).toBe(-1);
      expect(p.done).toBe(false);
      expect(p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'))).toBe(0);
      expect(p.result().statusCode).toBe(200);
    });

    it('refuses 101 Switching Protocols', () => {
      expect(failure('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n').code).toBe('bad-response');
    });
  });

  describe('keep-alive', () => {
    it.each([
      ['HTTP/1.1', '', true],
      ['HTTP/1.1', 'Connection: close\r\n', false],
      ['HTTP/1.1', 'Connection: Close\r\n', false],
      ['HTTP/1.1', 'Connection: te, close\r\n', false],
      ['HTTP/1.1', 'Connection: keep-alive\r\n', true],
      ['HTTP/1.1', 'Connection: closed\r\n', true],
      ['HTTP/1.0', '', false],
      ['HTTP/1.0', 'Connection: keep-alive\r\n', true],
      ['HTTP/1.0', 'Connection: Keep-Alive\r\n', true],
      ['HTTP/1.0', 'Connection: close\r\n', false],
    ])('%s with %j keeps the connection: %s', (version, header, keepAlive) => {
      expect(parse(`${version} 200 OK\r\n${header}Content-Length: 0\r\n\r\n`).response.keepAlive).toBe(keepAlive);
    });

    it('reads Connection tokens across repeated headers', () => {
      expect(parse('HTTP/1.1 200 OK\r\nConnection: te\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').response.keepAlive).toBe(false);
    });
  });

  describe('pipelining', () => {
    it('leaves the bytes of the next response for the next parse', () => {
      const both = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\noneHTTP/1.1 201 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n');
      const p = parser();
      const left = p.execute(both);
      expect(left).toBe(both.length - both.indexOf('HTTP/1.1 201'));
      expect(p.result().body.toString()).toBe('one');
      p.reset(true, false, Number.POSITIVE_INFINITY);
      expect(p.execute(both.subarray(both.length - left))).toBe(0);
      expect(p.result().statusCode).toBe(201);
      expect(p.result().body.toString()).toBe('two');
    });

    it('leaves bytes after a chunked response and after a bodiless one', () => {
      expect(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\nextra').leftover.toString()).toBe('extra');
      expect(parse('HTTP/1.1 204 No Content\r\n\r\nextra').leftover.toString()).toBe('extra');
    });

    it('returns every byte given once a response is done', () => {
      const p = parser();
      expect(p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'))).toBe(0);
      expect(p.execute(Buffer.from('more'))).toBe(4);
    });

    it('starts clean after reset', () => {
      const p = parser();
      expect(p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: 1\r\n\r\nab'))).toBe(0);
      p.reset(true, false, Number.POSITIVE_INFINITY);
      expect(p.done).toBe(false);
      expect(p.execute(Buffer.from('HTTP/1.1 202 OK\r\nContent-Length: 1\r\n\r\nc'))).toBe(0);
      expect(p.result()).toEqual({ statusCode: 202, headers: { 'content-length': '1' }, body: Buffer.from('c'), keepAlive: true, origin: '' });
    });
  });

  describe('body limit', () => {
    it('fails with too-large when Content-Length is over the limit, before any body byte', () => {
      const p = parser({ maxBodyBytes: 4 });
      expect(() => p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'))).toThrow(expect.objectContaining({ code: 'too-large' }) as Error);
    });

    it('accepts a body exactly at the limit', () => {
      expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd', { maxBodyBytes: 4 }).response.body.toString()).toBe('abcd');
      expect(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n', { maxBodyBytes: 4 }).response.body.toString()).toBe('abcd');
    });

    it('fails with too-large when chunks add up to more than the limit', () => {
      expect(failure('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n', { maxBodyBytes: 4 }).code).toBe('too-large');
    });

    it('fails with too-large when a body read until close grows over the limit', () => {
      expect(failure('HTTP/1.1 200 OK\r\n\r\nabcde', { maxBodyBytes: 4 }).code).toBe('too-large');
    });

    it('reads and drops a body when keepBody is false, whatever its size', () => {
      const { response, leftover } = parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789next', { keepBody: false, maxBodyBytes: 2 });
      expect(response.body.length).toBe(0);
      expect(leftover.toString()).toBe('next');
      const chunked = parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n', { keepBody: false, maxBodyBytes: 2 });
      expect(chunked.response.body.length).toBe(0);
      expect(parse('HTTP/1.1 200 OK\r\n\r\nabcdef', { keepBody: false, maxBodyBytes: 2 }, true).response.body.length).toBe(0);
    });
  });

  describe('malformed responses', () => {
    it.each([
      ['an HTTP/2 status line', 'HTTP/2 200 OK\r\n\r\n'],
      ['HTTP/1.2', 'HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n'],
      ['a lower-case protocol', 'http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
      ['a two-digit status', 'HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n'],
      ['a status starting with 0', 'HTTP/1.1 099 OK\r\nContent-Length: 0\r\n\r\n'],
      ['a four-digit status', 'HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n'],
      ['a status glued to its reason', 'HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n'],
      ['garbage', 'hello there\r\n\r\n'],
      ['leading white space', ' HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
      ['a header line without colon', 'HTTP/1.1 200 OK\r\nNoColon\r\nContent-Length: 0\r\n\r\n'],
      ['an empty header name', 'HTTP/1.1 200 OK\r\n: value\r\nContent-Length: 0\r\n\r\n'],
      ['space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n'],
      ['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\nContent-Length: 0\r\n\r\n'],
      ['a header name with a bad character', 'HTTP/1.1 200 OK\r\nX(A): 1\r\nContent-Length: 0\r\n\r\n'],
      ['a non-numeric Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n'],
      ['a negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
      ['a signed Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\nx'],
      ['an empty Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n'],
      ['a huge Content-Length', `HTTP/1.1 200 OK\r\nContent-Length: ${'9'.repeat(16)}\r\n\r\n`],
      ['conflicting Content-Length values', 'HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nxy'],
      ['conflicting Content-Length headers', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy'],
      ['a transfer coding other than chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc'],
      ['chunked not last', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n'],
      ['a non-hex chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
      ['an empty chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n'],
      ['a negative chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n'],
      ['a huge chunk size', `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'f'.repeat(13)}\r\n`],
      ['a chunk-size line ended by a bare LF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\na\r\n0\r\n\r\n'],
      ['a chunk longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n'],
      ['chunk data without its CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na0\r\n\r\n'],
      ['a chunk-size line over 1 KiB', `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${'x'.repeat(1100)}\r\na\r\n0\r\n\r\n`],
      ['a trailer line ended by a bare LF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\n\r\n'],
      ['a head over 64 KiB', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}\r\nContent-Length: 0\r\n\r\n`],
      ['an unfinished head over 64 KiB', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}`],
    ])('refuses %s with bad-response', (_name, text) => {
      expect(failure(text).code).toBe('bad-response');
    });

    it('refuses a head that grows over 64 KiB across chunks', () => {
      const p = parser();
      p.execute(Buffer.from('HTTP/1.1 200 OK\r\n'));
      const line = Buffer.from(`X-A: ${'a'.repeat(1000)}\r\n`);
      let error: unknown;
      try {
        for (let i = 0; i < 100; i += 1) p.execute(line);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(BackendHttpError);
      expect((error as BackendHttpError).code).toBe('bad-response');
    });

    // RFC 9112 §5.5: a recipient of CR, LF or NUL within a field value MUST reject the message or
    // replace each with SP. A bare LF is a line end to many parsers, so passing it through hides a
    // header from this parser that another one would see.
    it.each([
      ['a bare LF', 'X-A: 1\nContent-Length: 5'],
      ['a bare CR', 'X-A: 1\rContent-Length: 5'],
      ['a NUL', 'X-A: 1\0'],
    ])('refuses %s inside a header value (or replaces it with a space)', (_name, line) => {
      const p = parser();
      let error: unknown;
      try {
        p.execute(Buffer.from(`HTTP/1.1 200 OK\r\n${line}\r\nContent-Length: 0\r\n\r\n`, 'latin1'));
      } catch (caught) {
        error = caught;
      }
      if (error === undefined) {
        expect(p.done).toBe(true);
        expect(p.result().headers['x-a']).not.toMatch(/[\r\n\0]/);
      } else {
        expect((error as BackendHttpError).code).toBe('bad-response');
      }
    });
  });
});

// ---- Property: any split of a valid response parses the same as the whole. ----

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/).filter((name) => !['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name));
const headerValue = fc.stringMatching(/^[!-~]([ !-~]{0,20}[!-~])?$/);
const bodyBytes = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes));

interface ResponseSpec {
  readonly status: number;
  readonly version: '1.0' | '1.1';
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  readonly framing: 'length' | 'chunked' | 'close';
  readonly chunkSizes: readonly number[];
  readonly extension: boolean;
  readonly trailers: readonly (readonly [string, string])[];
  readonly interim: boolean;
}

const responseSpec: fc.Arbitrary<ResponseSpec> = fc.record({
  status: fc.constantFrom(200, 201, 204, 304, 400, 404, 500, 503),
  version: fc.constantFrom('1.0' as const, '1.1' as const),
  headers: fc.array(fc.tuple(token, headerValue), { maxLength: 6 }),
  body: bodyBytes,
  framing: fc.constantFrom('length' as const, 'chunked' as const, 'close' as const),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
  extension: fc.boolean(),
  trailers: fc.array(fc.tuple(token, headerValue), { maxLength: 2 }),
  interim: fc.boolean(),
});

function encodeResponse(spec: ResponseSpec): Buffer {
  const parts: Buffer[] = [];
  if (spec.interim) parts.push(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'));
  let head = `HTTP/${spec.version} ${spec.status} Reason\r\n`;
  for (const [name, value] of spec.headers) head += `${name}: ${value}\r\n`;
  const bodiless = spec.status === 204 || spec.status === 304;
  if (spec.framing === 'length') head += `Content-Length: ${bodiless ? 0 : spec.body.length}\r\n`;
  if (spec.framing === 'chunked') head += 'Transfer-Encoding: chunked\r\n';
  if (spec.version === '1.0' && spec.framing !== 'close') head += 'Connection: keep-alive\r\n';
  parts.push(Buffer.from(`${head}\r\n`));
  if (bodiless) return Buffer.concat(parts);
  if (spec.framing === 'chunked') {
    let at = 0;
    let i = 0;
    while (at < spec.body.length) {
      const size = Math.min(spec.chunkSizes[i % spec.chunkSizes.length] ?? 1, spec.body.length - at);
      parts.push(Buffer.from(`${size.toString(16)}${spec.extension ? ';ext="v"' : ''}\r\n`), spec.body.subarray(at, at + size), Buffer.from('\r\n'));
      at += size;
      i += 1;
    }
    let end = '0\r\n';
    for (const [name, value] of spec.trailers) end += `${name}: ${value}\r\n`;
    parts.push(Buffer.from(`${end}\r\n`));
  } else {
    parts.push(spec.body);
  }
  return Buffer.concat(parts);
}

/** Cuts `bytes` at the given points (any order, duplicates allowed: empty chunks). */
function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

describe('ResponseParser (properties)', () => {
  it('parses a response split into any chunks as in one chunk, leaving the same bytes over', () => {
    fc.assert(
      fc.property(responseSpec, fc.array(fc.nat(), { maxLength: 12 }), fc.uint8Array({ maxLength: 40 }), (spec, cuts, after) => {
        const readsUntilClose = spec.framing === 'close' && spec.status !== 204 && spec.status !== 304;
        // After a response read until close nothing can follow; otherwise the next pipelined bytes.
        const extra = readsUntilClose ? Buffer.alloc(0) : Buffer.from(after);
        const bytes = Buffer.concat([encodeResponse(spec), extra]);
        const whole = parseChunks([bytes], {}, readsUntilClose);
        const pieces = parseChunks(split(bytes, cuts), {}, readsUntilClose);
        expect(pieces.response).toEqual(whole.response);
        expect(pieces.leftover).toEqual(whole.leftover);
        expect(whole.leftover).toEqual(extra);
        expect(whole.response.statusCode).toBe(spec.status);
        const bodiless = spec.status === 204 || spec.status === 304;
        expect(whole.response.body).toEqual(bodiless ? Buffer.alloc(0) : spec.body);
        expect(whole.response.keepAlive).toBe(!readsUntilClose && !(spec.version === '1.0' && spec.framing === 'close'));
      }),
      { numRuns: 1000 },
    );
  });

  it('parses two pipelined responses split into any chunks', () => {
    fc.assert(
      fc.property(responseSpec, responseSpec, fc.array(fc.nat(), { maxLength: 12 }), (first, second, cuts) => {
        const framed = (spec: ResponseSpec): ResponseSpec => (spec.framing === 'close' ? { ...spec, framing: 'length' } : spec);
        const a = encodeResponse(framed(first));
        const b = encodeResponse(framed(second));
        const chunks = split(Buffer.concat([a, b]), cuts);
        const p = parser();
        const responses: ParsedResponse[] = [];
        let queue = [...chunks];
        while (queue.length > 0 && responses.length < 2) {
          const chunk = queue.shift() ?? Buffer.alloc(0);
          const left = p.execute(chunk);
          if (left === -1) continue;
          responses.push(p.result());
          p.reset(true, false, Number.POSITIVE_INFINITY);
          if (left > 0) queue = [chunk.subarray(chunk.length - left), ...queue];
        }
        expect(responses.map((r) => r.statusCode)).toEqual([first.status, second.status]);
        expect(responses[0]).toEqual(parseChunks([a]).response);
        expect(responses[1]).toEqual(parseChunks([b]).response);
        expect(queue.every((chunk) => chunk.length === 0)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
