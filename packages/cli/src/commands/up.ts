/**
 * `switchboard up`: the gateway and the sample backend together in one process, wired to each
 * other: `$connect`, `$disconnect`, `$default` (echo, two-way) and `later` (a delayed push through
 * the management API). SIGTERM drains the gateway first, then the backend.
 */
import { parseArgs } from 'node:util';
import {
  createLogger,
  loadConfig,
  onShutdownSignal,
  parseSetFlag,
  startGateway,
  type ConfigOverrides,
} from '@switchboard/gateway';
import { buildSampleBackend, openSessionStore, parseCliArgs } from '@switchboard/sample-backend';
import { parseFlags, portFlag, workersFlag } from '../usage-error.js';
import { bannerText, printBanner } from '../banner.js';
import { logConfigWarnings } from '../config-warnings.js';
import { isWorker, reportReady, superviseWorkers } from '../workers.js';

export const upHelp = `Usage: switchboard up [options]

Runs the gateway and the sample backend together.

Options:
  --port N            client WebSocket port (default 8080; 0 picks a free port)
  --admin-port N      management API and health port (default 8081)
  --backend-port N    sample backend port (default 3000)
  --stage NAME        stage served at /NAME (default dev)
  --host HOST         interface for the client listener (default 0.0.0.0)
  --workers N         gateway processes sharing the ports (overrides cluster.workers)
  --set path=value    any setting, e.g. --set timeouts.idleMs=60000 (repeatable)
  -h, --help          this help

The sample backend keeps its sessions in a SQLite file under the OS temp dir; SESSION_STORE
(memory, sqlite, redis, dynamodb), SESSION_SQLITE_PATH, REDIS_URL, DYNAMODB_TABLE and
DYNAMODB_ENDPOINT choose another store, as for \`switchboard backend\`.

Examples:
  switchboard up
  switchboard up --port 9000 --stage prod
  npx wscat -c ws://127.0.0.1:8080/dev
`;

/** Routes of the sample backend, as the gateway config `up` runs with. */
/**
 * The upstream settings of `up`'s routes. The sample backend shares the gateway's process and event
 * loop, where a loop busy with a thousand clients accepts new backend connections slowly: a few,
 * pipelined connections instead of one per busy client (docs/backends.md). Fast and uniform, the
 * sample backend is what pipelining suits.
 */
const IN_PROCESS_UPSTREAM = { maxConnections: 64, pipelining: 8 };

export function sampleBackendRoutes(backendUrl: string): ConfigOverrides {
  return {
    routes: {
      $connect: { integration: 'connect' },
      $disconnect: { integration: 'disconnect' },
      $default: { integration: 'message', twoWay: true },
      later: { integration: 'later' },
    },
    integrations: {
      connect: { uri: `${backendUrl}/connect`, upstream: IN_PROCESS_UPSTREAM },
      disconnect: { uri: `${backendUrl}/disconnect`, upstream: IN_PROCESS_UPSTREAM },
      message: { uri: `${backendUrl}/message`, upstream: IN_PROCESS_UPSTREAM },
      later: { uri: `${backendUrl}/later`, upstream: IN_PROCESS_UPSTREAM },
    },
  };
}

export async function up(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseFlags('up', () =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'admin-port': { type: 'string' },
        'backend-port': { type: 'string' },
        stage: { type: 'string' },
        host: { type: 'string' },
        workers: { type: 'string' },
        set: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) {
    process.stdout.write(upHelp);
    return;
  }
  const backendPort = portFlag('backend-port', values['backend-port']) ?? 3000;
  const flags: ConfigOverrides = {
    listen: { port: portFlag('port', values.port), host: values.host },
    admin: { port: portFlag('admin-port', values['admin-port']) },
    api: values.stage === undefined ? {} : { stages: [values.stage], defaultStage: values.stage },
    cluster: { workers: workersFlag(values.workers) },
  };
  const sets = (values.set ?? []).map(parseSetFlag);

  // The backend's port is known only once it listens (0 picks one), so it starts first; the
  // probe, with the sample routes at the port asked for, is what the workers and warnings read.
  const probe = await loadConfig({ env, overrides: [sampleBackendRoutes(`http://127.0.0.1:${String(backendPort)}`), flags, ...sets] });
  const logger = await createLogger(probe.log);
  if (!isWorker) logConfigWarnings(probe, logger);
  if (probe.cluster.workers > 1 && !isWorker) {
    superviseWorkers(probe.cluster.workers, logger);
    return;
  }
  // Sessions in a shared store, as the reference architecture keeps them: the default SQLite file,
  // or the store the sample backend's environment variables choose (SESSION_STORE=memory|redis|…).
  const { store } = parseCliArgs([], process.env);
  const backend = buildSampleBackend({ logger: logger.child({ component: 'sample-backend' }), sessionStore: openSessionStore(store) });
  const listening = await backend.listen(backendPort, '127.0.0.1');
  try {
    const config = await loadConfig({ env, overrides: [sampleBackendRoutes(listening.url), flags, ...sets] });
    const running = await startGateway(config, logger.child({ component: 'gateway' }));
    if (isWorker) reportReady(bannerText(running, config, listening.url));
    else printBanner(running, config, listening.url);
    onShutdownSignal(logger, async () => {
      await running.gateway.close();
      await backend.close();
    });
  } catch (error) {
    await backend.close();
    throw error;
  }
}
