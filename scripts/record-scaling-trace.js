// Records docs/scaling/trace.csv from a real gateway: starts the built gateway (npx tsc -b first) and
// an echo backend on free ports, drives WebSocket clients through a load profile (ramp up, a message
// burst, ramp down to zero), and samples GET /scaling/figures once a second. `npm run docs:record-trace`.
// The simulation (test/scaling-sim) replays it time-compressed: one recorded second = 10 trace seconds.
import { createServer } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { WebSocket } from 'ws';
import { parseConfig, startGateway } from '../packages/gateway/dist/index.js';

const SECONDS = 90;
/** Open connections wanted at each recorded second. */
const connectionsAt = (s) =>
  s < 30 ? Math.round((s / 30) * 300) : s < 60 ? 300 : s < 70 ? 80 : s < 80 ? 40 : 0;
/** Extra messages per second (a burst) on top of each connection sending one message every 2 s. */
const burstAt = (s) => (s >= 40 && s < 55 ? 400 : 0);

const backend = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200).end('ok'));
});
await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
const backendUrl = `http://127.0.0.1:${backend.address().port}`;
const config = parseConfig({
  listen: { host: '127.0.0.1', port: 0 },
  admin: { host: '127.0.0.1', port: 0 },
  routes: { $default: { integration: 'message' } },
  integrations: { message: { uri: `${backendUrl}/message` } },
  scaler: { windowMs: 5000 },
  shutdown: { drainMs: 0 },
  log: { level: 'warn', format: 'json' },
});
const running = await startGateway(config, pino({ level: 'warn' }));
const clients = [];
const open = () =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(running.clientUrl);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

const rows = ['t,connections,messagesPerSecond'];
let tick = 0;
const started = Date.now();
for (let s = 0; s < SECONDS; s++) {
  const want = connectionsAt(s);
  while (clients.length < want) clients.push(await open());
  while (clients.length > want) clients.pop().close();
  // Spread this second's messages over ten slices.
  for (let slice = 0; slice < 10; slice++) {
    const perSlice = Math.round((clients.length / 2 + burstAt(s)) / 10);
    for (let i = 0; i < perSlice && clients.length > 0; i++) clients[tick++ % clients.length].send('m');
    await sleep(Math.max(0, started + s * 1000 + (slice + 1) * 100 - Date.now()));
  }
  const figures = await (await fetch(`${running.adminUrl}/scaling/figures`)).json();
  rows.push(`${s * 10},${figures.connections},${Math.round(figures.messagesPerSecond * 10) / 10}`);
}
for (const ws of clients) ws.close();
await running.gateway.close();
backend.close();
const header = `# Recorded by scripts/record-scaling-trace.js on ${new Date().toISOString().slice(0, 10)}: one sample per real second, t in trace seconds (x10).\n`;
await writeFile(new URL('../docs/scaling/trace.csv', import.meta.url), header + rows.join('\n') + '\n');
console.log(`wrote docs/scaling/trace.csv (${rows.length - 1} samples)`);
