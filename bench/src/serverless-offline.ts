/**
 * The serverless-offline peer of the echo part: serverless@3.40.0 with serverless-offline@13.9.0
 * (the AWS-contract emulator, docs/peers.md section 3.2), installed by `npm run bench:install-peers`
 * into bench/peers/serverless-offline/. Each measurement writes a service (serverless.yml, one
 * echo handler for `$connect`, `$disconnect` and `$default`; serverless-offline-config.ts) into a
 * temp dir, starts `serverless offline start` on free ports and waits until a message echoes
 * through the handler. Everything it starts is stopped by pid and the temp dir removed, also when
 * the runner exits early.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanUpOnExit, freePorts, startProcess, stopChild } from './child-processes.js';
import { waitUntilEchoing } from './echo-probe.js';
import { commandLine, processTree } from './proc-stats.js';
import type { RunningSystem, Scenario, StartSystemOptions } from './scenarios.js';
import {
  HANDLER_FILE,
  SERVERLESS_OFFLINE_VERSION,
  SERVERLESS_VERSION,
  echoHandlerSource,
  serverlessYml,
} from './serverless-offline-config.js';

/** Where `npm run bench:install-peers` installs serverless and serverless-offline (git-ignored). */
export const serverlessOfflineInstallDir = fileURLToPath(
  new URL('../peers/serverless-offline/', import.meta.url),
);
const serverlessBin = join(serverlessOfflineInstallDir, 'node_modules/serverless/bin/serverless.js');
const pluginPackage = join(serverlessOfflineInstallDir, 'node_modules/serverless-offline/package.json');

/** serverless loads its framework and plugins for a few seconds before it listens. */
const START_TIMEOUT_MS = 60_000;
const PROBE = 'serverless-offline-ready';

/** Whether serverless and serverless-offline are installed in bench/peers/serverless-offline/. */
export function serverlessOfflineInstalled(): boolean {
  return existsSync(serverlessBin) && existsSync(pluginPackage);
}

/**
 * serverless's environment: log level warning (like the gateway's warn and Pushpin's level 1:
 * serverless-offline otherwise logs a line per handler call), no telemetry, no update notices, no
 * interactive setup.
 */
function serverlessEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SLS_LOG_LEVEL: 'warning',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_INTERACTIVE_SETUP_DISABLE: '1',
  };
}

export interface ServerlessOfflineOptions extends StartSystemOptions {
  /** `useInProcess`: handlers in serverless-offline's own thread, not worker threads. @default false */
  readonly inProcess?: boolean;
}

/**
 * Writes the service into a temp dir and starts `serverless offline start` there, under `setpriv
 * --pdeathsig TERM` (it stops if this process dies without cleaning up; setpriv and taskset exec,
 * so the pid is node's). serverless finds the plugin beside itself in the install dir.
 * `processes()` gives every process of its tree the role 'gateway': the handlers run inside it,
 * in worker threads (the default) or on its main thread (`inProcess`).
 */
export async function startServerlessOffline(options: ServerlessOfflineOptions = {}): Promise<RunningSystem> {
  if (!serverlessOfflineInstalled()) {
    throw new Error(
      `serverless-offline is not installed in ${serverlessOfflineInstallDir}: run npm run bench:install-peers`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-sls-'));
  const [websocketPort = 0, httpPort = 0, lambdaPort = 0] = await freePorts(3);
  writeFileSync(
    join(dir, 'serverless.yml'),
    serverlessYml({ websocketPort, httpPort, lambdaPort, inProcess: options.inProcess ?? false }),
  );
  writeFileSync(join(dir, HANDLER_FILE), echoHandlerSource());
  const pinned = options.cpus === undefined ? [] : ['taskset', '-c', options.cpus];
  const child = startProcess(
    'serverless offline',
    'setpriv',
    ['--pdeathsig', 'TERM', ...pinned, process.execPath, serverlessBin, 'offline', 'start', '--noSponsor'],
    { cwd: dir, env: serverlessEnv(), stdoutInTail: true },
  );
  const forgetOnExit = cleanUpOnExit(child, dir);
  const stop = async (): Promise<void> => {
    await stopChild(child, 10_000);
    forgetOnExit();
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `ws://127.0.0.1:${websocketPort}/`;
  try {
    // The first call starts a worker thread and loads the handler: allow it more than a round trip.
    await waitUntilEchoing(url, child, {
      name: 'serverless offline',
      timeoutMs: START_TIMEOUT_MS,
      probe: PROBE,
      probeTimeoutMs: 2000,
      pauseMs: 200,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    processes: () =>
      processTree(child.pid).map((pid) => ({ pid, role: 'gateway' as const, command: commandLine(pid) })),
    stop,
  };
}

const DESCRIPTION =
  `serverless-offline ${SERVERLESS_OFFLINE_VERSION} with serverless ${SERVERLESS_VERSION} (npm, ` +
  'bench/peers/): one nodejs20.x handler for $connect, $disconnect and $default, echoing each message ' +
  'through the $default route response (routeResponseSelectionExpression $default); SLS_LOG_LEVEL=warning, ' +
  'temp service dir, free ports';

/**
 * Most connections for the worker-thread mode. serverless-offline starts a new worker thread for
 * each call while the others are busy and keeps it for 60 s, so a closed loop over N connections
 * holds about N workers (100 connections: 1.3 GB RSS, about 13 MB each); 1000 connections would
 * mean 13 GB and a window spent starting workers. The peer study measured it up to 100 too.
 */
export const SERVERLESS_OFFLINE_MAX_CONNECTIONS = 100;

export const serverlessOfflineScenario: Scenario = {
  name: 'serverless-offline',
  kind: 'offload',
  description:
    `${DESCRIPTION}; handlers in worker threads (the default; a worker per call in flight, so measured ` +
    `up to ${SERVERLESS_OFFLINE_MAX_CONNECTIONS} connections)`,
  maxConnections: SERVERLESS_OFFLINE_MAX_CONNECTIONS,
  start: (options = {}) => startServerlessOffline(options),
};

export const serverlessOfflineInProcessScenario: Scenario = {
  name: 'serverless-offline-inprocess',
  kind: 'offload',
  description: `${DESCRIPTION}; handlers on serverless's own thread (useInProcess, as --useInProcess)`,
  start: (options = {}) => startServerlessOffline({ ...options, inProcess: true }),
};
