/**
 * The cluster part of the suite: 3 gateway processes joined by Redis (or NATS). Measures management
 * API pushes to a connection on the same node against pushes through another node (throughput,
 * p50/p99 of the HTTP answer, which comes once the owner wrote the frame), and a broadcast to N
 * connections spread over the 3 nodes (answer time and time until every client has the frame).
 * `runClusterBench` is called by the suite (run.ts) and by the thin CLI cluster-bench.ts.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { startNode, stopChild, waitForLine, type Child } from './child-processes.js';
import { sampleMachine, type MachineSample } from './proc-stats.js';
import { renderRows } from './table.js';

export interface ClusterBenchSettings {
  readonly cliMain: string;
  readonly bus: 'redis' | 'nats';
  /** Measured seconds of each push run (same node, cross-node). */
  readonly seconds: number;
  /** Warm-up seconds before each push run. */
  readonly warmupSeconds: number;
  /** Pushes in flight. */
  readonly concurrency: number;
  /** Clients on node A that the pushes go to, round-robin. */
  readonly pushClients: number;
  /** Connections the broadcast reaches, spread over the 3 nodes. */
  readonly broadcastConnections: number;
  readonly broadcasts: number;
}

export interface ClusterPushFigures {
  readonly pushesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers other than 200 and requests without an answer. */
  readonly failures: number;
  /** Share of all CPUs busy during the run, 0–100 (nodes, broker and this process share them). */
  readonly machineBusyPercent: number;
}

export interface ClusterBroadcastFigures {
  readonly connections: number;
  readonly broadcasts: number;
  /** Connections the last broadcast's answer says it reached. */
  readonly reached: number;
  readonly answerMs: { readonly p50: number; readonly max: number };
  /** Until the last client received the frame. */
  readonly deliveredMs: { readonly p50: number; readonly max: number };
  /** Share of all CPUs busy over the broadcasts, 0–100. */
  readonly machineBusyPercent: number;
}

export interface ClusterResult {
  readonly settings: Omit<ClusterBenchSettings, 'cliMain'>;
  readonly sameNode: ClusterPushFigures;
  readonly crossNode: ClusterPushFigures;
  readonly broadcast: ClusterBroadcastFigures;
}

interface GatewayNode {
  readonly child: Child;
  readonly clientUrl: string;
  /** `http://127.0.0.1:ADMIN/dev` */
  readonly endpoint: string;
}

const START_TIMEOUT_MS = 30_000;
/** Longest wait for every client to receive one broadcast. */
const BROADCAST_TIMEOUT_MS = 60_000;

async function startNodes(cliMain: string, bus: 'redis' | 'nats', count: number): Promise<GatewayNode[]> {
  const prefix = `swbbench-${process.pid}-${Date.now()}`;
  const sets = [
    `cluster.bus=${bus}`,
    `cluster.prefix=${prefix}`,
    'cluster.heartbeatMs=500',
    'log.level=warn',
    'shutdown.drainMs=0',
    'throttling.connectionsPerSecond=0',
    'security.maxConnectionsPerIp=0',
  ];
  const children: Child[] = [];
  try {
    return await Promise.all(
      Array.from({ length: count }, async (_, n) => {
        const child = startNode(`gateway node ${n}`, [
          cliMain,
          'gateway',
          '--port',
          '0',
          '--admin-port',
          '0',
          ...sets.flatMap((set) => ['--set', set]),
        ]);
        children.push(child);
        // Both lines come in one write: listen for both before awaiting either.
        const [[, clientUrl = ''], [, endpoint = '']] = await Promise.all([
          waitForLine(child, /^ {2}clients\s+(ws:\/\/\S+)$/, START_TIMEOUT_MS),
          waitForLine(child, /^ {2}management\s+(http:\/\/\S+)\/@connections\//, START_TIMEOUT_MS),
        ]);
        return { child, clientUrl, endpoint };
      }),
    );
  } catch (error) {
    await Promise.all(children.map((child) => stopChild(child)));
    throw error;
  }
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
  const worker = async (): Promise<void> => {
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
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
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

function busyPercentSince(before: MachineSample): number {
  const after = sampleMachine();
  const total = after.total - before.total;
  return total > 0 ? (100 * (after.busy - before.busy)) / total : 0;
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
): Promise<ClusterPushFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const body = Buffer.alloc(64, 'x');
  const latencies: number[] = [];
  let failures = 0;
  let sent = 0;
  const machineBefore = sampleMachine();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const id = ids[sent++ % ids.length] ?? '';
      const at = performance.now();
      try {
        const status = await post(agent, new URL(`${endpoint}/@connections/${encodeURIComponent(id)}`), body);
        latencies.push(performance.now() - at);
        if (status !== 200) failures++;
      } catch {
        failures++;
      }
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
    machineBusyPercent: busyPercentSince(machineBefore),
  };
}

/** A promise that `poke` resolves, or that fails with `what` after `ms`. */
function awaitCondition(ms: number, what: string): { done: Promise<void>; poke: () => void } {
  let resolveDone: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return {
    done,
    poke: () => {
      clearTimeout(timer);
      resolveDone();
    },
  };
}

async function broadcastRun(
  nodes: readonly GatewayNode[],
  settings: ClusterBenchSettings,
): Promise<ClusterBroadcastFigures> {
  const [a] = nodes as [GatewayNode];
  let pending = 0;
  let allReceived: () => void = () => undefined;
  const onMessage = (): void => {
    if (--pending === 0) allReceived();
  };
  const total = settings.broadcastConnections;
  const perNode = Math.ceil(total / nodes.length);
  const clients = (
    await Promise.all(
      nodes.map((node, n) =>
        openClients(node.clientUrl, Math.max(0, Math.min(perNode, total - n * perNode)), onMessage),
      ),
    )
  ).flat();
  try {
    const answerMs: number[] = [];
    const deliveredMs: number[] = [];
    let reached = 0;
    const machineBefore = sampleMachine();
    for (let i = 0; i < settings.broadcasts; i++) {
      pending = clients.length;
      const everyone = awaitCondition(
        BROADCAST_TIMEOUT_MS,
        `broadcast ${i}: not every one of ${clients.length} clients received it`,
      );
      allReceived = everyone.poke;
      const started = performance.now();
      const response = await fetch(`${a.endpoint}/@broadcast`, { method: 'POST', body: `broadcast ${i}` });
      answerMs.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`broadcast ${i} answered ${response.status}`);
      reached = ((await response.json()) as { connections: number }).connections;
      await everyone.done;
      deliveredMs.push(performance.now() - started);
    }
    answerMs.sort((x, y) => x - y);
    deliveredMs.sort((x, y) => x - y);
    return {
      connections: clients.length,
      broadcasts: settings.broadcasts,
      reached,
      answerMs: { p50: percentile(answerMs, 50), max: answerMs.at(-1) ?? 0 },
      deliveredMs: { p50: percentile(deliveredMs, 50), max: deliveredMs.at(-1) ?? 0 },
      machineBusyPercent: busyPercentSince(machineBefore),
    };
  } finally {
    for (const client of clients) client.ws.terminate();
  }
}

/** Starts 3 nodes, runs the same-node and cross-node pushes and the broadcast, stops the nodes. */
export async function runClusterBench(settings: ClusterBenchSettings): Promise<ClusterResult> {
  const nodes = await startNodes(settings.cliMain, settings.bus, 3);
  try {
    const [a, b] = nodes as [GatewayNode, GatewayNode, GatewayNode];
    // 1. Push: clients on node A, pushed through A (same node) and through B (cross-node).
    const pushClients = await openClients(a.clientUrl, settings.pushClients, () => undefined);
    let sameNode: ClusterPushFigures;
    let crossNode: ClusterPushFigures;
    try {
      const ids = await listIds(a.endpoint);
      await pushLoad(a.endpoint, ids, settings.warmupSeconds, settings.concurrency);
      sameNode = await pushLoad(a.endpoint, ids, settings.seconds, settings.concurrency);
      await pushLoad(b.endpoint, ids, settings.warmupSeconds, settings.concurrency);
      crossNode = await pushLoad(b.endpoint, ids, settings.seconds, settings.concurrency);
    } finally {
      for (const client of pushClients) client.ws.terminate();
    }
    // 2. Broadcast to connections spread over the 3 nodes.
    const broadcast = await broadcastRun(nodes, settings);
    const { cliMain: _cliMain, ...shown } = settings;
    return { settings: shown, sameNode, crossNode, broadcast };
  } finally {
    await Promise.all(nodes.map((node) => stopChild(node.child)));
  }
}

/** The two tables of a cluster run. */
export function renderClusterTables(result: ClusterResult): string {
  const { settings, broadcast } = result;
  const push = (name: string, figures: ClusterPushFigures): string[] => [
    name,
    figures.pushesPerSecond.toFixed(0),
    figures.p50Ms.toFixed(2),
    figures.p99Ms.toFixed(2),
    String(figures.failures),
    figures.machineBusyPercent.toFixed(0),
  ];
  return [
    `\n== Cluster: 3 gateway processes on ${settings.bus} · push 64 B to ${settings.pushClients} clients on node A, ` +
      `${settings.concurrency} in flight, ${settings.seconds} s after ${settings.warmupSeconds} s warm-up ==`,
    renderRows([
      ['push', 'pushes/s', 'p50 ms', 'p99 ms', 'failures', 'busy %'],
      push('same node', result.sameNode),
      push(`cross-node (${settings.bus})`, result.crossNode),
    ]),
    `\n== Broadcast fan-out: ${broadcast.connections} connections on 3 nodes, ${broadcast.broadcasts} broadcasts · ` +
      `machine ${broadcast.machineBusyPercent.toFixed(0)}% busy ==`,
    renderRows([
      ['', 'p50 ms', 'max ms'],
      [
        `200 answer (all nodes wrote; reached ${broadcast.reached})`,
        broadcast.answerMs.p50.toFixed(1),
        broadcast.answerMs.max.toFixed(1),
      ],
      ['last client received', broadcast.deliveredMs.p50.toFixed(1), broadcast.deliveredMs.max.toFixed(1)],
    ]),
  ].join('\n');
}
