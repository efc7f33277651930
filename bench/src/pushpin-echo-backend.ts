/**
 * The origin behind the benchmark's private Pushpin: a node:http server speaking Pushpin's
 * WebSocket-over-HTTP protocol as an echo. Pushpin POSTs each batch of a connection's events; the
 * answer carries OPEN for OPEN, the same TEXT or BINARY content back for each message, PONG for PING
 * and CLOSE for CLOSE (DISCONNECT needs none). No GRIP extension: plain messages, no `m:` prefix.
 * Run it as its own process: `node bench/dist/pushpin-echo-backend.js --port 0` prints
 * `listening PORT` on stdout.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { decodeEvents, encodeEvents, WEBSOCKET_EVENTS_TYPE, type WebSocketEvent } from './websocket-events.js';
import { stopWithRunner } from './exit-with-runner.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

/** The events that answer one incoming event of the echo. */
function reply(event: WebSocketEvent): WebSocketEvent | null {
  switch (event.name) {
    case 'OPEN':
    case 'TEXT':
    case 'BINARY':
    case 'CLOSE':
      return event;
    case 'PING':
      return { name: 'PONG', content: event.content };
    default:
      // PONG, DISCONNECT and anything newer need no answer.
      return null;
  }
}

function answer(response: ServerResponse, status: number, type: string, body: Buffer): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length });
  response.end(body);
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const type = request.headers['content-type'] ?? '';
    if (request.method !== 'POST' || !type.startsWith(WEBSOCKET_EVENTS_TYPE)) {
      answer(response, 400, 'text/plain', Buffer.from('expected a POST of application/websocket-events\n'));
      return;
    }
    let events: WebSocketEvent[];
    try {
      events = decodeEvents(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks));
    } catch (error) {
      answer(response, 400, 'text/plain', Buffer.from(`${error instanceof Error ? error.message : String(error)}\n`));
      return;
    }
    const replies = events.flatMap((event) => reply(event) ?? []);
    answer(response, 200, WEBSOCKET_EVENTS_TYPE, Buffer.concat(encodeEvents(replies)));
  });
}

const server = createServer(handle);
// Pushpin's HTTP client (zurl) reuses its connections: do not close them between batches.
server.keepAliveTimeout = 60_000;

server.on('error', (error) => {
  process.stderr.write(`pushpin-echo-backend: ${error.message}\n`);
  process.exit(1);
});

server.listen(Number(values.port), values.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : String(address);
  process.stdout.write(`listening ${port}\n`);
});

function shutdown(): void {
  server.closeAllConnections();
  server.close(() => process.exit(0));
}

stopWithRunner(shutdown, values['exit-with-stdin']);
