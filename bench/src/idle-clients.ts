/**
 * Load-side process of the idle-connection benchmark: opens N WebSocket connections to a URL, taking
 * turns over the loopback source addresses given, at most `--parallel` handshakes at a time, and
 * prints one JSON line `{"connected","failed","openMs","errors"}` once done. It then holds them, sending nothing, until
 * its stdin closes, prints `{"held","closedWhileHeld"}` and exits. A process holds at most ~19,000
 * sockets here (20,000 files per process), so the benchmark starts several. Source addresses: one
 * has ~28,000 ephemeral ports, and binding to a port of one gets ~10× slower past ~7,000 sockets
 * on it (the kernel's search for a free port), so each address gets only a few thousand.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '1000' },
    parallel: { type: 'string', default: '100' },
    'local-addresses': { type: 'string', default: '' },
  },
});
const url = values.url ?? '';
const total = Number(values.connections);
const parallel = Math.max(1, Math.min(Number(values.parallel), total));
const localAddresses = values['local-addresses'].split(',').filter(Boolean);

const open = new Set<WebSocket>();
let connected = 0;
let failed = 0;
let closedWhileHeld = 0;
const errors: Record<string, number> = {};

function countError(error: Error): void {
  const key = (error as NodeJS.ErrnoException).code ?? error.message.slice(0, 80);
  errors[key] = (errors[key] ?? 0) + 1;
}

function connectOne(index: number): Promise<void> {
  const localAddress = localAddresses[index % localAddresses.length];
  return new Promise((resolve) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      ...(localAddress === undefined ? {} : { localAddress }),
    });
    let opened = false;
    ws.once('open', () => {
      opened = true;
      connected++;
      open.add(ws);
      resolve();
    });
    // After the handshake an error is followed by 'close', which counts it.
    ws.on('error', (error) => {
      if (opened) return;
      failed++;
      countError(error);
      resolve();
    });
    ws.once('close', () => {
      if (open.delete(ws)) closedWhileHeld++;
    });
  });
}

let next = 0;
async function handshakes(): Promise<void> {
  while (next < total) {
    await connectOne(next++);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: parallel }, handshakes));
const openMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ connected, failed, openMs, errors })}\n`);

process.stdin.resume();
process.stdin.on('end', () => {
  const held = open.size;
  const sockets = [...open];
  open.clear();
  for (const ws of sockets) ws.terminate();
  process.stdout.write(`${JSON.stringify({ held, closedWhileHeld })}\n`, () => process.exit(0));
});
