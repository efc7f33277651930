/**
 * Client process of the push benchmark: opens N WebSocket connections to a URL (200 handshakes at a
 * time), prints `connected N failed F`, then holds them and counts the frames they receive. Each
 * `count` line on stdin is answered with `received FRAMES closed CLOSES`; stdin closing ends it.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';

const { values } = parseArgs({
  options: { url: { type: 'string' }, connections: { type: 'string', default: '100' } },
});
const url = values.url ?? '';
const total = Number(values.connections);
const open: WebSocket[] = [];
let failed = 0;
let frames = 0;
let closes = 0;

function connectOne(): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => {
      open.push(ws);
      ws.on('message', () => {
        frames += 1;
      });
      ws.once('close', () => {
        closes += 1;
      });
      resolve();
    });
    ws.once('error', () => {
      failed += 1;
      resolve();
    });
  });
}

let next = 0;
async function worker(): Promise<void> {
  while (next < total) {
    next += 1;
    await connectOne();
  }
}

await Promise.all(Array.from({ length: Math.min(200, total) }, worker));
process.stdout.write(`connected ${open.length} failed ${failed}\n`);
const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  if (line.trim() === 'count') process.stdout.write(`received ${frames} closed ${closes}\n`);
});
commands.on('close', () => {
  for (const ws of open) ws.terminate();
  process.exit(0);
});
