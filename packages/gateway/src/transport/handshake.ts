/**
 * The HTTP side of the WebSocket handshake, before `ws` takes the socket: which stage the request
 * names, whether it is a well-formed upgrade, and how a refused handshake is answered.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_CODE_HEADER, type ErrorCode } from '@switchboard/protocol';
import type { HandshakeInfo } from '../connections/connection.js';

/** The stage of a request path: `/` is the default stage, `/{stage}` (one segment) names one. */
export function stageOf(url: string, stages: readonly string[], defaultStage: string): string | undefined {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path === '/' || path === '') return defaultStage;
  const name = path.endsWith('/') ? path.slice(1, -1) : path.slice(1);
  return stages.includes(name) ? name : undefined;
}

const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** Why this request is not an acceptable WebSocket upgrade, or undefined when it is. */
export function handshakeProblem(request: IncomingMessage): string | undefined {
  if (request.method !== 'GET') return 'the method must be GET';
  if (request.headers.upgrade?.toLowerCase() !== 'websocket') return 'the Upgrade header must be websocket';
  const key = request.headers['sec-websocket-key'];
  if (key === undefined || !KEY.test(key.trim())) return 'Sec-WebSocket-Key is missing or malformed';
  const version = request.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return 'Sec-WebSocket-Version must be 13 (or 8)';
  const protocols = request.headers['sec-websocket-protocol'];
  if (protocols !== undefined && !validProtocolList(protocols)) return 'Sec-WebSocket-Protocol must be a comma-separated list of distinct tokens';
  return undefined;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** RFC 6455 4.1: distinct RFC 7230 tokens separated by commas, as ws checks after `$connect`. */
function validProtocolList(header: string): boolean {
  const names = header.split(',').map((name) => name.trim());
  return names.every((name) => TOKEN.test(name)) && new Set(names).size === names.length;
}

/** Handshake data kept for the connection's life. */
export function handshakeInfo(request: IncomingMessage): HandshakeInfo {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const sourceIp = peerIp(request.socket.remoteAddress);
  const forwarded = request.headers['x-forwarded-for']?.toString();
  return {
    headers: request.headers,
    rawHeaders: request.rawHeaders,
    rawQuery: query === -1 ? '' : url.slice(query + 1),
    rawPath: query === -1 ? url : url.slice(0, query),
    sourceIp,
    userAgent: request.headers['user-agent'] ?? '',
    forwardedFor: forwarded === undefined || forwarded === '' ? sourceIp : `${forwarded}, ${sourceIp}`,
  };
}

/** The client's IP address as events and logs show it: an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as IPv4. */
export function peerIp(remoteAddress: string | undefined): string {
  const address = remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Answers the upgrade with an HTTP error and closes the socket. `code` names the reason in the
 * `x-switchboard-error-code` header (docs/errors.md), so that a client can tell a refusal from another.
 * @see docs/protocol.md "Connecting"
 */
export function refuseHandshake(socket: Duplex, status: number, code: ErrorCode, body: Buffer | string, contentType = 'application/json', extraHeaders: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, 'Connection: close', `Content-Type: ${contentType}`, `Content-Length: ${payload.length}`, `${ERROR_CODE_HEADER}: ${code}`];
  for (const [name, value] of Object.entries(extraHeaders)) head.push(`${name}: ${value}`);
  socket.once('finish', () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n'), payload]));
}
