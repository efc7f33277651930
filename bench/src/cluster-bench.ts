/**
 * Cluster benchmark: 3 gateway processes joined by Redis (or NATS). Measures management API pushes
 * to a connection on the same node against pushes through another node (throughput, p50/p99 of the
 * HTTP answer, which comes once the owner wrote the frame), and a broadcast to 10,000 connections
 * spread over the 3 nodes (answer time and time until every client has the frame).
 * Run: `npm run bench:cluster -- [--bus redis|nats] [--seconds 5] [--connections 10000]`.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { guardChildren, startNode, stopAllChildren, waitForLine, type Child } from './child-processes.js';
import { defaultCliMain } from './scenarios.js';

interface Node {
  readonly child: Child;
  readonly clientUrl: string;
  /** `http://127.0.0.1:ADMIN/dev` */
  readonly endpoint: string;
}

interface PushFigures {
  readonly pushesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failures: number;
}

const START_TIMEOUT_MS = 30_000;

async function startNodes(bus: 'redis' | 'nats', count: number): Promise<Node[]> {
  const prefix = `swbbench-${process.pid}`;
  const sets = [
    `cluster.bus=${bus}`,
    `cluster.prefix=${prefix}`,
    'cluster.heartbeatMs=500',
    'log.level=warn',
    'shutdown.drainMs=0',
    'throttling.connectionsPerSecond=0',
    'security.maxConnectionsPerIp=0',
  ];
  return Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const child = startNode(`gateway node ${n}`, [
        defaultCliMain,
        'gateway',
        '--port',
        '0',
        '--admin-port',
        '0',
        ...sets.flatMap((set) => ['--set', set]),
      ]);
      // Both lines come in one write: listen for both before awaiting either.
      const [[, clientUrl], [, endpoint]] = await Promise.all([
        waitForLine(child, /^ {2}clients\s+(ws:\/\/\S+)$/, START_TIMEOUT_MS),
        waitForLine(child, /^ {2}management\s+(http:\/\/\S+)\/@connections\//, START_TIMEOUT_MS),
      ]);
      return { child, clientUrl: clientUrl ?? '', endpoint: endpoint ?? '' };
    }),
  );
}

interface BenchClient {
  readonly ws: WebSocket;
  received: number;
}

/** Opens `count` clients to `url`, `parallel` handshakes at a time. */
async function openClients(
  url: string,
  count: number,
  onMessage: (client: BenchClient) => void,
  parallel = 200,
): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const client: BenchClient = { ws, received: 0 };
      ws.on('message', () => {
        client.received++;
        onMessage(client);
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      clients.push(client);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return clients;
}

/** The ids the node lists, up to 1000 (its own connections). */
async function listIds(endpoint: string): Promise<string[]> {
  const response = await fetch(`${endpoint}/@connections?limit=1000`);
  const body = (await response.json()) as { items: { connectionId: string }[] };
  return body.items.map((item) => item.connectionId);
}

function post(agent: Agent, url: URL, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-length': String(body.length) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Closed-loop pushes with `concurrency` requests in flight for `seconds`, over the ids round-robin. */
async function pushLoad(
  endpoint: string,
  ids: readonly string[],
  seconds: number,
  concurrency: number,
): Promise<PushFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const body = Buffer.alloc(64, 'x');
  const latencies: number[] = [];
  let failures = 0;
  let sent = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const id = ids[sent++ % ids.length] ?? '';
      const at = performance.now();
      const status = await post(agent, new URL(`${endpoint}/@connections/${encodeURIComponent(id)}`), body);
      latencies.push(performance.now() - at);
      if (status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    pushesPerSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bus: { type: 'string', default: 'redis' },
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '32' },
      connections: { type: 'string', default: '10000' },
      broadcasts: { type: 'string', default: '10' },
    },
  });
  const bus = values.bus === 'nats' ? 'nats' : 'redis';
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const total = Number(values.connections);
  const broadcasts = Number(values.broadcasts);
  guardChildren();
  const nodes = await startNodes(bus, 3);
  const [a, b] = nodes as [Node, Node, Node];
  process.stdout.write(
    `cluster bench: 3 gateway processes on ${bus}, ${concurrency} pushes in flight, ${seconds} s per run\n`,
  );

  // 1. Push: 100 connections on node A, pushed through A (same node) and through B (cross-node).
  const pushClients = await openClients(a.clientUrl, 100, () => undefined);
  const ids = await listIds(a.endpoint);
  await pushLoad(a.endpoint, ids, 1, concurrency); // warm-up
  const same = await pushLoad(a.endpoint, ids, seconds, concurrency);
  await pushLoad(b.endpoint, ids, 1, concurrency); // warm-up
  const cross = await pushLoad(b.endpoint, ids, seconds, concurrency);
  for (const client of pushClients) client.ws.terminate();

  // 2. Broadcast to `total` connections spread over the 3 nodes.
  let pending = 0;
  let allReceived: () => void = () => undefined;
  const onMessage = () => {
    if (--pending === 0) allReceived();
  };
  const perNode = Math.ceil(total / nodes.length);
  const clients = (
    await Promise.all(
      nodes.map((node, n) => openClients(node.clientUrl, Math.min(perNode, total - n * perNode), onMessage)),
    )
  ).flat();
  const answerMs: number[] = [];
  const deliveredMs: number[] = [];
  let reached = 0;
  for (let i = 0; i < broadcasts; i++) {
    pending = clients.length;
    const everyone = new Promise<void>((resolve) => (allReceived = resolve));
    const started = performance.now();
    const response = await fetch(`${a.endpoint}/@broadcast`, { method: 'POST', body: `broadcast ${i}` });
    answerMs.push(performance.now() - started);
    reached = ((await response.json()) as { connections: number }).connections;
    await everyone;
    deliveredMs.push(performance.now() - started);
  }
  for (const client of clients) client.ws.terminate();
  answerMs.sort((x, y) => x - y);
  deliveredMs.sort((x, y) => x - y);

  const row = (name: string, figures: PushFigures) =>
    `| ${name.padEnd(22)} | ${figures.pushesPerSecond.toFixed(0).padStart(8)} | ${figures.p50Ms.toFixed(2).padStart(7)} | ${figures.p99Ms.toFixed(2).padStart(7)} | ${String(figures.failures).padStart(8)} |`;
  process.stdout.write(
    [
      '',
      '| push (64 B)            | pushes/s |  p50 ms |  p99 ms | failures |',
      '| ---------------------- | -------- | ------- | ------- | -------- |',
      row('same node', same),
      row(`cross-node (${bus})`, cross),
      '',
      `| broadcast to ${clients.length} connections on 3 nodes | p50 ms | max ms |`,
      '| ------------------------------------------- | ------ | ------ |',
      `| 200 answer (all nodes wrote; reached ${reached}) | ${percentile(answerMs, 50).toFixed(1)} | ${(answerMs.at(-1) ?? 0).toFixed(1)} |`,
      `| last client received                        | ${percentile(deliveredMs, 50).toFixed(1)} | ${(deliveredMs.at(-1) ?? 0).toFixed(1)} |`,
      '',
    ].join('\n'),
  );
  await stopAllChildren();
}

main().catch(async (error: unknown) => {
  process.stderr.write(
    `cluster bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  await stopAllChildren();
  process.exit(1);
});
