/**
 * The event encoding of Pushpin's WebSocket-over-HTTP protocol (Content-Type
 * application/websocket-events), used by the Pushpin echo backend of the benchmark. Each event is
 * `NAME\r\n` when it has no content, or `NAME <content size in hex>\r\n<content>\r\n`; a request or
 * response body is a sequence of events.
 */

export const WEBSOCKET_EVENTS_TYPE = 'application/websocket-events';

export interface WebSocketEvent {
  /** OPEN, TEXT, BINARY, PING, PONG, CLOSE or DISCONNECT. */
  readonly name: string;
  /** The content, or null for an event without one (`OPEN\r\n`). */
  readonly content: Buffer | null;
}

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const CRLF = Buffer.from('\r\n', 'latin1');

/** Decodes a body into its events; throws on a malformed one. */
export function decodeEvents(body: Buffer): WebSocketEvent[] {
  const events: WebSocketEvent[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd === -1) throw new Error(`event header without CRLF at byte ${offset}`);
    const space = body.indexOf(SPACE, offset);
    if (space === -1 || space > lineEnd) {
      events.push({ name: body.toString('latin1', offset, lineEnd), content: null });
      offset = lineEnd + 2;
      continue;
    }
    const name = body.toString('latin1', offset, space);
    const size = Number.parseInt(body.toString('latin1', space + 1, lineEnd), 16);
    const start = lineEnd + 2;
    const end = start + size;
    if (!Number.isInteger(size) || size < 0 || end + 2 > body.length) {
      throw new Error(`event ${name} at byte ${offset} has a bad or truncated size`);
    }
    if (body[end] !== CR || body[end + 1] !== LF) throw new Error(`event ${name} content not ended by CRLF`);
    events.push({ name, content: body.subarray(start, end) });
    offset = end + 2;
  }
  return events;
}

/** Encodes events into the chunks of a body (header lines and contents, no copy of the contents). */
export function encodeEvents(events: readonly WebSocketEvent[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (const { name, content } of events) {
    if (content === null) {
      chunks.push(Buffer.from(`${name}\r\n`, 'latin1'));
    } else {
      chunks.push(Buffer.from(`${name} ${content.length.toString(16)}\r\n`, 'latin1'), content, CRLF);
    }
  }
  return chunks;
}
