/**
 * The Pushpin comparison of the benchmark (issue #7): a private Pushpin instance (Debian package
 * `pushpin` 1.36: runner, condure, zurl, pushpin-proxy, pushpin-handler) in front of the
 * WebSocket-over-HTTP echo origin, as the `pushpin` scenario and, for the idle-memory benchmark, as
 * `startPushpin()` plus `systemRssBytes()`. Everything it starts is stopped by pid and its temp dir
 * removed, also when the runner exits early.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanUpOnExit, freePorts, startNode, startProcess, stopChild, waitForLine, type Child } from './child-processes.js';
import { waitUntilEchoing } from './echo-probe.js';
import { commandLine, processTree, sampleProcess } from './proc-stats.js';
import { pushpinConf, pushpinRoutes } from './pushpin-config.js';
import type { Role, RunningSystem, Scenario, StartSystemOptions, SystemProcess } from './scenarios.js';

const PUSHPIN_BINARY = 'pushpin';
const echoBackendJs = fileURLToPath(new URL('./pushpin-echo-backend.js', import.meta.url));
const START_TIMEOUT_MS = 30_000;
/** condure (the client listener) holds one descriptor per connection; the rest is headroom. */
const DEFAULT_MAX_CONNECTIONS = 50_000;

/**
 * Handshakes to keep in flight at once when opening many idle connections: every handshake is an
 * OPEN request to the origin, and Pushpin 1.36 answered 502 and dropped sessions once about 100
 * origin requests were queued (docs/peers.md §8).
 */
export const PUSHPIN_HANDSHAKE_CONCURRENCY = 50;

/** Whether a `pushpin` executable is on PATH. */
export function pushpinInstalled(): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, PUSHPIN_BINARY), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface PushpinOptions extends StartSystemOptions {
  /** Most client connections Pushpin accepts. @default 50000 */
  readonly maxConnections?: number;
  /** Pushpin's log level: 0 error, 1 warning (default, like the gateway's warn), 2 info, 3 debug. */
  readonly logLevel?: number;
}

export interface PushpinSystem extends RunningSystem {
  /** The instance's temp dir (config, run/ with ipc sockets and pid files, log/). */
  readonly dir: string;
}

/**
 * Starts the Pushpin runner. `setpriv --pdeathsig TERM` makes it stop (and stop its services) if
 * this process dies without cleaning up; setpriv and taskset exec, so the pid is the runner's.
 */
function startRunner(configFile: string, cpus: string | undefined): Child {
  const pinned = cpus === undefined ? [] : ['taskset', '-c', cpus];
  const argv = ['--pdeathsig', 'TERM', ...pinned, PUSHPIN_BINARY, '--config', configFile];
  // The runner logs to stdout: keep it in the tail for error messages too.
  return startProcess('pushpin', 'setpriv', argv, { stdoutInTail: true });
}

/** The last lines of each service log, for error messages. */
function logTails(dir: string): string {
  const services = ['pushpin-proxy', 'pushpin-handler', 'condure', 'zurl'];
  return services
    .map((service) => {
      let text: string;
      try {
        text = readFileSync(join(dir, 'log', `${service}.log`), 'utf8');
      } catch {
        return `${service}.log: none`;
      }
      return `${service}.log: ${text.trim().split('\n').slice(-5).join('\n  ')}`;
    })
    .join('\n');
}

function treeWithRole(root: Child, role: Role): SystemProcess[] {
  return processTree(root.pid).map((pid) => ({ pid, role, command: commandLine(pid) }));
}

/**
 * Starts the echo origin and a private Pushpin in front of it; resolves once a WebSocket echo went
 * through. `processes()` gives Pushpin's runner and services the role 'gateway' and the origin
 * 'backend'.
 */
export async function startPushpin(options: PushpinOptions = {}): Promise<PushpinSystem> {
  if (!pushpinInstalled()) throw new Error('pushpin is not on PATH (Debian: apt-get install pushpin)');
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-pushpin-'));
  mkdirSync(join(dir, 'run'));
  mkdirSync(join(dir, 'log'));
  const origin = startNode('pushpin echo backend', [echoBackendJs, '--port', '0', '--exit-with-stdin'], {
    cpus: options.cpus,
  });
  let runner: Child | undefined;
  let forgetOnExit = (): void => undefined;
  const stop = async (): Promise<void> => {
    if (runner !== undefined) await stopChild(runner, 10_000);
    await stopChild(origin);
    forgetOnExit();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [, originPort = ''] = await waitForLine(origin, /^listening (\d+)$/, START_TIMEOUT_MS);
    const [httpPort = 0, publishPort = 0] = await freePorts(2);
    const configFile = join(dir, 'pushpin.conf');
    writeFileSync(join(dir, 'routes'), pushpinRoutes(Number(originPort)));
    writeFileSync(
      configFile,
      pushpinConf({
        dir,
        httpPort,
        publishPort,
        originPort: Number(originPort),
        maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
        logLevel: options.logLevel ?? 1,
        sigKey: randomBytes(16).toString('hex'),
      }),
    );
    runner = startRunner(configFile, options.cpus);
    forgetOnExit = cleanUpOnExit(runner, dir);
    const url = `ws://127.0.0.1:${httpPort}/`;
    await waitUntilEchoing(url, runner, {
      name: 'pushpin',
      timeoutMs: START_TIMEOUT_MS,
      probe: 'pushpin-ready',
      probeTimeoutMs: 1000,
      pauseMs: 100,
      details: () => logTails(dir),
    });
    const gateway = runner;
    return {
      url,
      dir,
      processes: () => [...treeWithRole(gateway, 'gateway'), ...treeWithRole(origin, 'backend')],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** RSS in bytes summed over the system's processes (only those of `role` when given), read now. */
export function systemRssBytes(system: RunningSystem, role?: Role): number {
  return system
    .processes()
    .filter((process) => role === undefined || process.role === role)
    .reduce((total, process) => total + (sampleProcess(process.pid)?.rssBytes ?? 0), 0);
}

export const pushpinScenario: Scenario = {
  name: 'pushpin',
  kind: 'offload',
  description:
    'Pushpin 1.36 (Debian package; condure, zurl, pushpin-proxy, pushpin-handler, log level 1) routing ' +
    '`*` over_http (WebSocket-over-HTTP) to a node:http echo origin; private instance, temp dir, free ports',
  start: (options = {}) => startPushpin(options),
};
