// The soak test's subject, run as its own process with --expose-gc: a gateway (built code, from
// @switchboard/gateway) and an echo backend, churned by clients that connect, send one message,
// await the reply and disconnect, in a loop. It prints one JSON line per measurement (after GC):
// heap, RSS, open file descriptors, the registry size and the active handles by type.
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseConfig, startGateway } from '@switchboard/gateway';
import pino from 'pino';
import { WebSocket } from 'ws';

const seconds = Number(process.argv[2] ?? '10');
const parallel = Number(process.argv[3] ?? '20');

const backend = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(request.url?.startsWith('/message') ? Buffer.concat(chunks) : '');
  });
});
await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
const backendUrl = `http://127.0.0.1:${backend.address().port}`;
const config = parseConfig({
  listen: { host: '127.0.0.1', port: 0 },
  admin: { host: '127.0.0.1', port: 0 },
  shutdown: { drainMs: 0, disconnectFlushMs: 2000 },
  throttling: { connectionsPerSecond: 0 }, // churn opens more than AWS's 500 connections/s
  routes: { $connect: { integration: 'connect' }, $disconnect: { integration: 'disconnect' }, $default: { integration: 'message', twoWay: true } },
  integrations: { connect: { uri: `${backendUrl}/connect` }, disconnect: { uri: `${backendUrl}/disconnect` }, message: { uri: `${backendUrl}/message` } },
});
const running = await startGateway(config, pino({ level: 'silent' }));
const url = `ws://127.0.0.1:${running.clientPort}/dev`;

/** One client's life: connect, one message and its reply, close, and the close completed. */
function churnOnce(n) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const text = `soak ${n}`;
    ws.once('open', () => ws.send(text));
    ws.once('message', (data) => {
      if (data.toString() !== text) reject(new Error(`wrong reply: ${data.toString()}`));
      ws.close(1000);
    });
    ws.once('close', () => resolve());
    ws.once('error', reject);
  });
}

let cycles = 0;
async function churnFor(ms) {
  const until = Date.now() + ms;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (Date.now() < until) await churnOnce(cycles++);
    }),
  );
}

/** Waits until the gateway has finished every close and $disconnect (the registry empties first). */
async function settle() {
  await running.gateway.registry.whenEmpty();
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 200)); // sockets report their close on later turns
  for (let i = 0; i < 3; i++) globalThis.gc();
}

function measure(label) {
  const memory = process.memoryUsage();
  const handles = {};
  for (const type of process.getActiveResourcesInfo()) handles[type] = (handles[type] ?? 0) + 1;
  return { label, cycles, heapUsed: memory.heapUsed, rss: memory.rss, fds: readdirSync('/proc/self/fd').length, registry: running.gateway.registry.size, handles };
}

await churnFor(Math.min(2000, seconds * 200)); // warm-up: JIT, pools, caches
await settle();
console.log(JSON.stringify(measure('baseline')));
await churnFor(seconds * 1000);
await settle();
console.log(JSON.stringify(measure('after')));
await running.gateway.close();
await new Promise((resolve) => backend.close(resolve));
process.exit(0);
