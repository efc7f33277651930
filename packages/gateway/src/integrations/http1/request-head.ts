/**
 * Writes a request's head and body into one buffer, so that a request costs one socket write.
 * Header names and values are checked: a value with CR, LF or NUL (a client-supplied query value
 * mapped to a header, say) would let a client inject headers, so the request is refused instead.
 */
import { BackendHttpError } from './backend-http-error.js';

/** Set by the client itself; a caller's own value is ignored. */
const CLIENT_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const INVALID_TARGET = /[^\x21-\x7e]/;

/** Body size from which the body is written on its own rather than copied behind the head. */
const COPY_LIMIT = 16 * 1024;

export interface RequestHead {
  readonly method: string;
  /** Path and query, already encoded. */
  readonly path: string;
  /** Headers, each checked before it is written. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Header lines already formatted (`name: value\r\n` each) from values the caller made itself
   * (ids, numbers, encoded text), so never checked; client-supplied values go in `headers`.
   */
  readonly trustedHeaders?: string;
}

/** Header names already checked: true for one the client sets itself (in any case), false for others. */
const CHECKED_NAMES = new Map<string, boolean>();

/** Whether the caller's header `name` is skipped, after checking it is a token (once per name). */
function skipped(name: string): boolean {
  let clientOwn = CHECKED_NAMES.get(name);
  if (clientOwn === undefined) {
    if (!TOKEN.test(name)) throw new BackendHttpError('bad-request', `header name ${JSON.stringify(name)} is not an HTTP token`);
    clientOwn = CLIENT_HEADERS.has(name.toLowerCase());
    if (CHECKED_NAMES.size < 1_000) CHECKED_NAMES.set(name, clientOwn);
  }
  return clientOwn;
}

/**
 * The request as buffers to write: one buffer for a small body, head and body apart for a large one.
 * `connectionHeader` is `keep-alive` or `close`.
 */
export function encodeRequest(
  request: RequestHead,
  host: string,
  body: Buffer | null,
  connectionHeader: 'keep-alive' | 'close',
): Buffer[] {
  if (INVALID_TARGET.test(request.path) || !TOKEN.test(request.method)) {
    throw new BackendHttpError('bad-request', 'the request line has characters HTTP does not allow');
  }
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\nconnection: ${connectionHeader}\r\n${request.trustedHeaders ?? ''}`;
  const headers = request.headers;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || skipped(name)) continue;
    if (INVALID_VALUE.test(value)) {
      throw new BackendHttpError('bad-request', `header ${JSON.stringify(name)} has characters HTTP does not allow`);
    }
    head += `${name}: ${value}\r\n`;
  }
  const bodyLength = body?.length ?? 0;
  head += bodyLength > 0 || request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH'
    ? `content-length: ${bodyLength}\r\n\r\n`
    : '\r\n';
  if (body === null || bodyLength === 0) return [Buffer.from(head, 'latin1')];
  if (bodyLength >= COPY_LIMIT) return [Buffer.from(head, 'latin1'), body];
  const buffer = Buffer.allocUnsafe(head.length + bodyLength);
  buffer.write(head, 0, 'latin1');
  body.copy(buffer, head.length);
  return [buffer];
}
