/**
 * Load-side helper for the idle-memory benchmark: opens N WebSocket connections to a URL, at most
 * 200 handshakes at a time, prints `connected N failed F` once done, and holds them until its stdin
 * closes. A process holds at most ~19,000 sockets here (20,000 files per process), so the benchmark
 * starts several.
 */
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';

const { values } = parseArgs({ options: { url: { type: 'string' }, connections: { type: 'string', default: '1000' } } });
const url = values.url ?? '';
const total = Number(values.connections);
const open: WebSocket[] = [];
let failed = 0;

function connectOne(): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => {
      open.push(ws);
      resolve();
    });
    ws.once('error', () => {
      failed++;
      resolve();
    });
  });
}

let next = 0;
async function worker(): Promise<void> {
  while (next < total) {
    next++;
    await connectOne();
  }
}
await Promise.all(Array.from({ length: Math.min(200, total) }, worker));
process.stdout.write(`connected ${open.length} failed ${failed}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  for (const ws of open) ws.terminate();
  process.exit(0);
});
