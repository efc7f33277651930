/**
 * An incremental HTTP/1.1 response parser for the backend client: status line, headers, and a body
 * framed by Content-Length, chunked transfer coding, or the end of the connection. It is fed the
 * socket's chunks as they come and says when one response is complete. 1xx interim responses are
 * skipped. Anything it cannot read with certainty is a `BackendHttpError` with code `bad-response`.
 * @see https://www.rfc-editor.org/rfc/rfc9112 (message syntax and framing)
 */
import { BackendHttpError } from './backend-http-error.js';

/** Response headers: lower-case names; a repeated header becomes an array, in order. */
export type ResponseHeaders = Record<string, string | string[]>;

export interface ParsedResponse {
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  /** The body, or empty when it was not kept. */
  readonly body: Buffer;
  /** True when the connection may carry another request. */
  readonly keepAlive: boolean;
  /** The backend that answered (`http://ADDRESS:PORT`), to name it in errors and logs. */
  readonly origin: string;
}

/** Longest status line plus headers accepted. */
const MAX_HEAD_BYTES = 64 * 1024;
/** Longest chunk-size line (size, extensions) accepted. */
const MAX_CHUNK_LINE = 1024;
const EMPTY = Buffer.alloc(0);
const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [^\r\n]*)?$/;
const BARE_LINE_BREAK_OR_NUL = /\r(?!\n)|(?<!\r)\n|\0/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DIGITS = /^\d{1,15}$/;
const HEX = /^[0-9A-Fa-f]{1,12}$/;

const enum State {
  Head,
  Length,
  ChunkLine,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

export class ResponseParser {
  readonly #origin: string;
  #maxBodyBytes = Number.POSITIVE_INFINITY;
  #keepBody = true;
  #noBody = false;
  #state = State.Head;
  /** Bytes of an unfinished head or chunk line. */
  #pending: Buffer = EMPTY;
  #statusCode = 0;
  #headers: ResponseHeaders = {};
  #keepAlive = true;
  #remaining = 0;
  #bodyChunks: Buffer[] = [];
  /** The line `#takeLine` completed, or undefined while it waits for the rest. */
  #line: string | undefined;
  #bodyBytes = 0;

  /** `origin`: the backend this parser reads answers from, copied into each result. */
  constructor(origin = '') {
    this.#origin = origin;
  }

  /**
   * Readies the parser for the response to the next request. `noBody` for a HEAD request; with
   * `keepBody` false the body is read and dropped; a kept body longer than `maxBodyBytes` is a
   * `too-large` error.
   */
  reset(keepBody: boolean, noBody: boolean, maxBodyBytes: number): void {
    this.#keepBody = keepBody;
    this.#maxBodyBytes = maxBodyBytes;
    this.#noBody = noBody;
    this.#state = State.Head;
    this.#pending = EMPTY;
    this.#statusCode = 0;
    this.#headers = {};
    this.#keepAlive = true;
    this.#remaining = 0;
    this.#bodyChunks = [];
    this.#bodyBytes = 0;
  }

  /** True once a whole response was read. */
  get done(): boolean {
    return this.#state === State.Done;
  }

  /** True when the body ends with the connection (no length, not chunked). */
  get readsUntilClose(): boolean {
    return this.#state === State.UntilClose;
  }

  /**
   * Reads `chunk`. Returns the number of bytes left over after a complete response (bytes the
   * server sent that belong to no request), or -1 when more is needed.
   */
  execute(chunk: Buffer): number {
    let offset = 0;
    while (offset < chunk.length) {
      switch (this.#state) {
        case State.Head:
          offset = this.#readHead(chunk, offset);
          break;
        case State.Length:
          offset = this.#readLength(chunk, offset);
          break;
        case State.ChunkLine:
          offset = this.#readChunkLine(chunk, offset);
          break;
        case State.ChunkData:
          offset = this.#readChunkData(chunk, offset);
          break;
        case State.ChunkDataEnd:
        case State.Trailers:
          offset = this.#readLineEnd(chunk, offset);
          break;
        case State.UntilClose:
          this.#keep(chunk.subarray(offset));
          offset = chunk.length;
          break;
        case State.Done:
          return chunk.length - offset;
      }
    }
    return this.#state === State.Done ? 0 : -1;
  }

  /** The connection ended: completes a body read until close, else fails an unfinished response. */
  end(): void {
    if (this.#state === State.UntilClose) {
      this.#state = State.Done;
      return;
    }
    if (this.#state !== State.Done) {
      throw new BackendHttpError('closed', 'the backend closed the connection before the response was complete');
    }
  }

  /** The response read; only once `done`. */
  result(): ParsedResponse {
    const chunks = this.#bodyChunks;
    const body = chunks.length === 0 ? EMPTY : chunks.length === 1 ? (chunks[0] ?? EMPTY) : Buffer.concat(chunks, this.#bodyBytes);
    return { statusCode: this.#statusCode, headers: this.#headers, body, keepAlive: this.#keepAlive, origin: this.#origin };
  }

  #readHead(chunk: Buffer, offset: number): number {
    const pending = this.#pending;
    if (pending.length === 0) {
      const end = chunk.indexOf(HEAD_END, offset);
      if (end === -1) return this.#keepPendingHead(chunk.subarray(offset), chunk.length);
      this.#parseHead(chunk.toString('latin1', offset, end));
      return end + 4;
    }
    // Search again from just before the join, in case "\r\n\r\n" straddles it.
    const data = Buffer.concat([pending, chunk.subarray(offset)]);
    const end = data.indexOf(HEAD_END, Math.max(0, pending.length - 3));
    if (end === -1) return this.#keepPendingHead(data, chunk.length);
    this.#pending = EMPTY;
    this.#parseHead(data.toString('latin1', 0, end));
    return offset + end + 4 - pending.length;
  }

  #keepPendingHead(head: Buffer, consumedTo: number): number {
    if (head.length > MAX_HEAD_BYTES) throw new BackendHttpError('bad-response', `the response head is longer than ${MAX_HEAD_BYTES} bytes`);
    this.#pending = Buffer.from(head);
    return consumedTo;
  }

  #parseHead(head: string): void {
    if (head.length > MAX_HEAD_BYTES) throw new BackendHttpError('bad-response', `the response head is longer than ${MAX_HEAD_BYTES} bytes`);
    // A bare CR or LF, or a NUL, would let two parsers read different headers (RFC 9112 section 2.2).
    if (BARE_LINE_BREAK_OR_NUL.test(head)) throw new BackendHttpError('bad-response', 'the response head has a bare CR, a bare LF or a NUL');
    let lineEnd = head.indexOf('\r\n');
    if (lineEnd === -1) lineEnd = head.length;
    const status = STATUS_LINE.exec(head.slice(0, lineEnd));
    if (status === null) throw new BackendHttpError('bad-response', 'the response does not start with a valid HTTP/1.x status line');
    const statusCode = Number(status[2]);
    const headers: ResponseHeaders = {};
    while (lineEnd < head.length) {
      const start = lineEnd + 2;
      lineEnd = head.indexOf('\r\n', start);
      if (lineEnd === -1) lineEnd = head.length;
      const colon = head.indexOf(':', start);
      if (colon <= start || colon > lineEnd) throw new BackendHttpError('bad-response', 'the response has a malformed header line');
      const key = headerKey(head.slice(start, colon));
      const value = head.slice(colon + 1, lineEnd).trim();
      const existing = headers[key];
      if (existing === undefined) headers[key] = value;
      else if (typeof existing === 'string') headers[key] = [existing, value];
      else existing.push(value);
    }
    if (statusCode < 200) {
      if (statusCode === 101) throw new BackendHttpError('bad-response', 'the backend switched protocols (101) on a plain request');
      return; // An interim response (100 Continue, 103 Early Hints): the real one follows.
    }
    this.#statusCode = statusCode;
    this.#headers = headers;
    const connection = joined(headers.connection)?.toLowerCase();
    this.#keepAlive = status[1] === '1' ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
    this.#frameBody(statusCode, headers);
  }

  #frameBody(statusCode: number, headers: ResponseHeaders): void {
    if (this.#noBody || statusCode === 204 || statusCode === 304) {
      this.#state = State.Done;
      return;
    }
    const transferEncoding = joined(headers['transfer-encoding']);
    if (transferEncoding !== undefined) {
      const codings = transferEncoding.toLowerCase().split(',');
      if (codings[codings.length - 1]?.trim() !== 'chunked') {
        throw new BackendHttpError('bad-response', 'the response has a transfer coding other than chunked last');
      }
      this.#state = State.ChunkLine;
      return;
    }
    const contentLength = headers['content-length'];
    if (contentLength !== undefined) {
      const values = typeof contentLength === 'string' ? contentLength.split(',') : contentLength.flatMap((v) => v.split(','));
      const first = values[0]?.trim() ?? '';
      if (!DIGITS.test(first) || values.some((v) => v.trim() !== first)) {
        throw new BackendHttpError('bad-response', 'the response has an invalid Content-Length');
      }
      this.#remaining = Number(first);
      this.#checkSize(this.#remaining);
      this.#state = this.#remaining === 0 ? State.Done : State.Length;
      return;
    }
    this.#keepAlive = false;
    this.#state = State.UntilClose;
  }

  #readLength(chunk: Buffer, offset: number): number {
    const take = Math.min(this.#remaining, chunk.length - offset);
    this.#keep(offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take));
    this.#remaining -= take;
    if (this.#remaining === 0) this.#state = State.Done;
    return offset + take;
  }

  /** Reads a chunk-size line. */
  #readChunkLine(chunk: Buffer, offset: number): number {
    const end = this.#takeLine(chunk, offset);
    const line = this.#line;
    if (line === undefined) return end;
    if (!line.endsWith('\r\n')) throw new BackendHttpError('bad-response', 'the response has a malformed chunk-size line');
    const semicolon = line.indexOf(';');
    const sizeText = (semicolon === -1 ? line.slice(0, -2) : line.slice(0, semicolon)).trim();
    if (!HEX.test(sizeText)) throw new BackendHttpError('bad-response', 'the response has an invalid chunk size');
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      this.#state = State.Trailers;
      return end;
    }
    this.#checkSize(this.#bodyBytes + size);
    this.#remaining = size;
    this.#state = State.ChunkData;
    return end;
  }

  #readChunkData(chunk: Buffer, offset: number): number {
    const take = Math.min(this.#remaining, chunk.length - offset);
    this.#keep(chunk.subarray(offset, offset + take));
    this.#remaining -= take;
    if (this.#remaining === 0) this.#state = State.ChunkDataEnd;
    return offset + take;
  }

  /**
   * After chunk data: its CRLF. In the trailer section: one line per trailer field (ignored),
   * until the empty line that ends the response.
   */
  #readLineEnd(chunk: Buffer, offset: number): number {
    const end = this.#takeLine(chunk, offset);
    const line = this.#line;
    if (line === undefined) return end;
    if (this.#state === State.ChunkDataEnd) {
      if (line !== '\r\n') throw new BackendHttpError('bad-response', 'a chunk of the response is longer than its size');
      this.#state = State.ChunkLine;
    } else if (line === '\r\n') {
      this.#state = State.Done;
    } else if (!line.endsWith('\r\n')) {
      throw new BackendHttpError('bad-response', 'the response has a malformed trailer line');
    }
    return end;
  }

  /**
   * Reads up to the next LF, which may be in a later chunk. Sets `#line` to the whole line (LF
   * included) once it is complete, else to undefined; returns where reading stopped.
   */
  #takeLine(chunk: Buffer, offset: number): number {
    const lf = chunk.indexOf(10, offset);
    if (lf === -1) {
      this.#appendLine(chunk.subarray(offset));
      this.#line = undefined;
      return chunk.length;
    }
    this.#appendLine(chunk.subarray(offset, lf + 1));
    this.#line = this.#pending.toString('latin1');
    this.#pending = EMPTY;
    return lf + 1;
  }

  #appendLine(part: Buffer): void {
    const length = this.#pending.length + part.length;
    if (length > MAX_CHUNK_LINE) throw new BackendHttpError('bad-response', 'the response has a chunk-size or trailer line that is too long');
    this.#pending = this.#pending.length === 0 ? Buffer.from(part) : Buffer.concat([this.#pending, part], length);
  }

  #keep(part: Buffer): void {
    if (part.length === 0) return;
    this.#bodyBytes += part.length;
    this.#checkSize(this.#bodyBytes);
    if (this.#keepBody) this.#bodyChunks.push(part);
  }

  #checkSize(bytes: number): void {
    if (this.#keepBody && bytes > this.#maxBodyBytes) {
      throw new BackendHttpError('too-large', `the response body is longer than ${this.#maxBodyBytes} bytes`);
    }
  }
}

/** Header names already checked and lower-cased: a backend's usual headers cost one lookup. */
const KNOWN_NAMES = new Map<string, string>();

/** The lower-case key of a header name, which must be a token (RFC 9110 section 5.1): no space before the colon. */
function headerKey(name: string): string {
  let key = KNOWN_NAMES.get(name);
  if (key === undefined) {
    if (!TOKEN.test(name)) throw new BackendHttpError('bad-response', 'the response has a malformed header line');
    key = name.toLowerCase();
    if (KNOWN_NAMES.size < 1_000) KNOWN_NAMES.set(name, key);
  }
  return key;
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function hasToken(list: string | undefined, token: string): boolean {
  if (list === undefined) return false;
  if (list === token) return true;
  if (!list.includes(',')) return list.trim() === token;
  return list.split(',').some((part) => part.trim() === token);
}
