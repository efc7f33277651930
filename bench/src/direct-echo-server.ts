/**
 * The baseline system: a bare `ws` WebSocketServer that echoes every message back, with no gateway
 * and no backend. It is the upper limit the offload path is compared against. Run it as its own
 * process: `node bench/dist/direct-echo-server.js --port 0` prints `listening PORT` on stdout.
 */
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { stopWithRunner } from './exit-with-runner.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

const server = new WebSocketServer({
  host: values.host,
  port: Number(values.port),
  perMessageDeflate: false,
  clientTracking: true,
});

server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    socket.send(data, { binary: isBinary });
  });
  socket.on('error', () => {
    socket.terminate();
  });
});

server.on('listening', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : String(address);
  process.stdout.write(`listening ${port}\n`);
});

server.on('error', (error) => {
  process.stderr.write(`direct-echo-server: ${error.message}\n`);
  process.exit(1);
});

function shutdown(): void {
  for (const client of server.clients) client.terminate();
  server.close(() => process.exit(0));
}

stopWithRunner(shutdown, values['exit-with-stdin']);
