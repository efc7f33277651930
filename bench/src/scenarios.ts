/**
 * The systems the benchmark compares. `direct` is a bare `ws` echo server, the limit; `gateway` is
 * the Switchboard offload path, where `switchboard up` runs the gateway and the sample backend and
 * each client message travels client → gateway → backend (HTTP) → gateway → client;
 * `gateway-split` is that path with gateway and backend in separate processes; `pushpin` is a
 * peer, a private Pushpin instance with a WebSocket-over-HTTP echo origin (pushpin.ts), and so are
 * `serverless-offline` and `serverless-offline-inprocess`, the AWS-contract emulator with an echo
 * handler (serverless-offline.ts).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts, startNode, stopChild, waitForLine, type Child } from './child-processes.js';
import { commandLine, processTree } from './proc-stats.js';
import { pushpinInstalled, pushpinScenario } from './pushpin.js';
import {
  serverlessOfflineInProcessScenario,
  serverlessOfflineInstalled,
  serverlessOfflineScenario,
} from './serverless-offline.js';

/** What a process of a system does, for splitting CPU per message. */
export type Role = 'server' | 'gateway' | 'backend' | 'gateway+backend';

export interface SystemProcess {
  readonly pid: number;
  readonly role: Role;
  readonly command: string;
}

export interface RunningSystem {
  /** Where clients connect. */
  readonly url: string;
  /** Every process of the system, alive now, with its role. */
  processes(): SystemProcess[];
  /** Stops every process of the system and waits until they are gone. */
  stop(): Promise<void>;
}

export interface StartSystemOptions {
  /** CPUs the whole system is pinned to (`taskset -c` syntax). @default every CPU */
  readonly cpus?: string;
}

export interface Scenario {
  readonly name: ScenarioName;
  /** The baseline the others are compared with (direct), or an offload path (gateway). */
  readonly kind: 'baseline' | 'offload';
  readonly description: string;
  /**
   * Most connections it is measured with; the echo part skips larger counts with a note (a peer
   * whose cost grows past what the machine can hold). @default no limit
   */
  readonly maxConnections?: number;
  start(options?: StartSystemOptions): Promise<RunningSystem>;
}

export const scenarioNames = [
  'direct',
  'gateway',
  'gateway-split',
  'gateway-split-pipelined',
  'gateway-split-batched',
  'pushpin',
  'serverless-offline',
  'serverless-offline-inprocess',
] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export function isScenarioName(name: string): name is ScenarioName {
  return (scenarioNames as readonly string[]).includes(name);
}

const benchDist = fileURLToPath(new URL('.', import.meta.url));
/** The repository root: bench/dist/ → ../../ */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The `switchboard` CLI of this checkout. */
export const defaultCliMain = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));

const START_TIMEOUT_MS = 30_000;

function treeOf(child: Child, role: (pid: number, command: string) => Role): SystemProcess[] {
  return processTree(child.pid).map((pid) => {
    const command = commandLine(pid);
    return { pid, role: role(pid, command), command };
  });
}

const direct: Scenario = {
  name: 'direct',
  kind: 'baseline',
  description: 'bare ws WebSocketServer echo (perMessageDeflate off), one process',
  async start(options = {}) {
    const child = startNode(
      'direct echo server',
      [`${benchDist}direct-echo-server.js`, '--port', '0', '--exit-with-stdin'],
      { cpus: options.cpus },
    );
    try {
      const [, port] = await waitForLine(child, /^listening (\d+)$/, START_TIMEOUT_MS);
      return {
        url: `ws://127.0.0.1:${port ?? ''}/`,
        processes: () => treeOf(child, () => 'server'),
        stop: () => stopChild(child),
      };
    } catch (error) {
      await stopChild(child);
      throw error;
    }
  },
};

async function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `url` until it answers 200; fails after `timeoutMs` or as soon as `child` exits. */
async function waitReady(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null)
      throw new Error(`${child.name} exited before ${url} was ready: ${child.stderrTail().trim()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms (${last}): ${child.stderrTail().trim()}`);
}

function gatewayScenario(cliMain: string): Scenario {
  return {
    name: 'gateway',
    kind: 'offload',
    description:
      'Switchboard offload: `switchboard up --stage dev --host 127.0.0.1` (gateway + sample backend), ' +
      'route $default two-way, SWITCHBOARD_LOG_LEVEL=warn',
    async start(options = {}) {
      if (!existsSync(cliMain)) {
        throw new Error(`${cliMain} does not exist: build the CLI first (npx tsc -b)`);
      }
      const [port = 0, adminPort = 0, backendPort = 0] = await freePorts(3);
      const child = startNode(
        'switchboard up',
        [
          cliMain,
          'up',
          '--port',
          String(port),
          '--admin-port',
          String(adminPort),
          '--backend-port',
          String(backendPort),
          '--stage',
          'dev',
          '--host',
          '127.0.0.1',
        ],
        { cwd: repoRoot, env: benchEnv(), cpus: options.cpus },
      );
      try {
        await waitReady(`http://127.0.0.1:${adminPort}/readyz`, child, START_TIMEOUT_MS);
        await waitReady(`http://127.0.0.1:${backendPort}/readyz`, child, START_TIMEOUT_MS);
      } catch (error) {
        await stopChild(child);
        throw error;
      }
      return {
        url: `ws://127.0.0.1:${port}/dev`,
        // `up` hosts the sample backend in its main process, next to the gateway (and, with
        // --workers, beside gateway worker processes): its CPU cannot be split by process.
        processes: () => treeOf(child, () => 'gateway+backend'),
        stop: () => stopChild(child, 10_000),
      };
    },
  };
}

/**
 * The environment of the systems under test: quiet logs; the load generator's connection bursts are
 * not throttled (AWS's 500 new connections/s and the per-IP cap would refuse them: every connection
 * comes from 127.0.0.1); and the sample backend keeps sessions in memory, so that the backend costs
 * what the naive prototype's plain node:http backend cost, and the figures measure the gateway.
 */
function benchEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SWITCHBOARD_LOG_LEVEL: 'warn',
    SWITCHBOARD_THROTTLING_CONNECTIONS_PER_SECOND: '0',
    SWITCHBOARD_SECURITY_MAX_CONNECTIONS_PER_IP: '0',
    SESSION_STORE: 'memory',
  };
}

/** How the split scenarios' message integration reaches the backend. */
type SplitVariant = 'plain' | 'pipelined' | 'batched';

/** The message integration of each split variant (the sample backend's endpoints). */
function messageIntegration(backend: string, variant: SplitVariant): string {
  switch (variant) {
    case 'plain':
      return `{ uri: ${backend}/message }`;
    case 'pipelined':
      return `{ uri: ${backend}/message, upstream: { pipelining: ${BENCH_PIPELINING} } }`;
    case 'batched':
      return `{ type: AWS_PROXY, uri: ${backend}/events, batchSize: ${BENCH_BATCH_SIZE}, batchesInFlight: ${BENCH_BATCHES_IN_FLIGHT} }`;
  }
}

/**
 * The gateway's YAML for the split scenarios: loopback only, the sample backend's routes, with the
 * message integration of the variant.
 */
function splitConfig(port: number, adminPort: number, backendPort: number, variant: SplitVariant): string {
  const backend = `http://127.0.0.1:${backendPort}`;
  return [
    '# Written by bench/src/scenarios.ts for the gateway-split scenarios; removed when it stops.',
    `listen: { host: 127.0.0.1, port: ${port} }`,
    `admin: { port: ${adminPort} }`,
    'api: { stages: [dev] }',
    'routes:',
    '  $connect: { integration: connect }',
    '  $disconnect: { integration: disconnect }',
    '  $default: { integration: message, twoWay: true }',
    'integrations:',
    `  connect: { uri: ${backend}/connect }`,
    `  disconnect: { uri: ${backend}/disconnect }`,
    `  message: ${messageIntegration(backend, variant)}`,
    '',
  ].join('\n');
}

/** Requests in flight per backend connection in the `gateway-split-pipelined` scenario. */
export const BENCH_PIPELINING = 8;

/** Most events per backend request in the `gateway-split-batched` scenario. */
export const BENCH_BATCH_SIZE = 64;

/** Most batches in flight at once in the `gateway-split-batched` scenario. */
export const BENCH_BATCHES_IN_FLIGHT = 2;

const SPLIT_DETAIL: Record<SplitVariant, string> = {
  plain: '',
  pipelined: `; upstream.pipelining: ${BENCH_PIPELINING} on the message integration`,
  batched: `; the message integration is AWS_PROXY to the backend's /events with batchSize: ${BENCH_BATCH_SIZE}, batchesInFlight: ${BENCH_BATCHES_IN_FLIGHT}`,
};

/**
 * The same offload path as `gateway`, with the gateway and the sample backend in two processes
 * (`switchboard gateway` and `switchboard backend`), so the gateway's own CPU can be told apart.
 * `gateway-split` runs the defaults; `gateway-split-pipelined` sets `upstream.pipelining` on the
 * message integration (docs/backends.md), a tuning for fast, uniform backends;
 * `gateway-split-batched` sends messages as batches of Lambda events (docs/lambda.md).
 */
function gatewaySplitScenario(cliMain: string, variant: SplitVariant): Scenario {
  return {
    name: variant === 'plain' ? 'gateway-split' : `gateway-split-${variant}`,
    kind: 'offload',
    description:
      '`switchboard backend` + `switchboard gateway --config` (same routes as `up`) as two processes, ' +
      'so gateway and backend CPU are measured apart; SWITCHBOARD_LOG_LEVEL=warn' +
      SPLIT_DETAIL[variant],
    async start(options = {}) {
      if (!existsSync(cliMain)) {
        throw new Error(`${cliMain} does not exist: build the CLI first (npx tsc -b)`);
      }
      const [port = 0, adminPort = 0, backendPort = 0] = await freePorts(3);
      const env = benchEnv();
      const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
      const configFile = join(dir, 'switchboard.yml');
      writeFileSync(configFile, splitConfig(port, adminPort, backendPort, variant));
      const backend = startNode(
        'switchboard backend',
        [cliMain, 'backend', '--port', String(backendPort), '--host', '127.0.0.1'],
        { cwd: repoRoot, env, cpus: options.cpus },
      );
      let gateway: Child | undefined;
      const stop = async (): Promise<void> => {
        if (gateway !== undefined) await stopChild(gateway, 10_000);
        await stopChild(backend, 10_000);
        rmSync(dir, { recursive: true, force: true });
      };
      try {
        await waitReady(`http://127.0.0.1:${backendPort}/readyz`, backend, START_TIMEOUT_MS);
        gateway = startNode('switchboard gateway', [cliMain, 'gateway', '--config', configFile], {
          cwd: repoRoot,
          env,
          cpus: options.cpus,
        });
        await waitReady(`http://127.0.0.1:${adminPort}/readyz`, gateway, START_TIMEOUT_MS);
      } catch (error) {
        await stop();
        throw error;
      }
      const gatewayChild = gateway;
      return {
        url: `ws://127.0.0.1:${port}/dev`,
        processes: () => [...treeOf(gatewayChild, () => 'gateway'), ...treeOf(backend, () => 'backend')],
        stop,
      };
    },
  };
}

export interface ScenarioOptions {
  /** Entry point of the `switchboard` CLI to benchmark. @default packages/cli/dist/main.js of this checkout */
  readonly cliMain?: string;
}

export function createScenarios(options: ScenarioOptions = {}): Readonly<Record<ScenarioName, Scenario>> {
  const cliMain = options.cliMain ?? defaultCliMain;
  return {
    direct,
    gateway: gatewayScenario(cliMain),
    'gateway-split': gatewaySplitScenario(cliMain, 'plain'),
    'gateway-split-pipelined': gatewaySplitScenario(cliMain, 'pipelined'),
    'gateway-split-batched': gatewaySplitScenario(cliMain, 'batched'),
    pushpin: pushpinScenario,
    'serverless-offline': serverlessOfflineScenario,
    'serverless-offline-inprocess': serverlessOfflineInProcessScenario,
  };
}

/**
 * The scenarios a run measures unless told otherwise: Switchboard's, and each peer that is
 * installed (Pushpin; serverless-offline in its default worker-thread mode after
 * `npm run bench:install-peers`). `serverless-offline-inprocess` runs only when asked for.
 */
export function defaultScenarioNames(): ScenarioName[] {
  const names: ScenarioName[] = ['direct', 'gateway', 'gateway-split', 'gateway-split-pipelined', 'gateway-split-batched'];
  if (pushpinInstalled()) names.push('pushpin');
  if (serverlessOfflineInstalled()) names.push('serverless-offline');
  return names;
}
