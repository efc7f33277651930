/**
 * runSampleBackend: listen, and stop gracefully on SIGTERM/SIGINT: readiness 503 at once, keep
 * serving for `drainDelayMs`, then `close()` and exit 0. A second signal exits 1 at once.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSessionStore, type SessionStore, type SessionStoreConfig } from '@switchboard/session-store';
import { buildSampleBackend, type SampleBackend, type SampleBackendOptions } from './app.js';
import { DEFAULT_SQLITE_PATH } from './cli-args.js';
import { createConsoleLogger } from './logger.js';

export interface RunSampleBackendOptions extends SampleBackendOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /**
   * Interface to bind.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * After a signal, how long the backend keeps serving with readiness at 503 before it closes,
   * so that load balancers see it leave before its connections do.
   * @default 0
   */
  drainDelayMs?: number;
  /**
   * The session store to open, unless `sessionStore` is given.
   * @default SQLite at DEFAULT_SQLITE_PATH (a folder under the OS temp dir)
   */
  store?: SessionStoreConfig;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Opens the configured store, creating the folder of a SQLite file; default SQLite at DEFAULT_SQLITE_PATH. */
export async function openSessionStore(
  config: SessionStoreConfig = { kind: 'sqlite', path: DEFAULT_SQLITE_PATH },
): Promise<SessionStore> {
  if (config.kind === 'sqlite' && config.path !== ':memory:')
    mkdirSync(dirname(config.path), { recursive: true });
  return createSessionStore(config);
}

export async function runSampleBackend(options: RunSampleBackendOptions): Promise<SampleBackend> {
  const logger = options.logger ?? createConsoleLogger();
  const drainDelayMs = options.drainDelayMs ?? 0;
  const sessionStore = options.sessionStore ?? (await openSessionStore(options.store));
  const backend = buildSampleBackend({ ...options, sessionStore, logger });
  const { url } = await backend.listen(options.port, options.host);
  logger.info(
    { url, sessionStore: sessionStore instanceof Promise ? 'given' : sessionStore.kind },
    'sample backend listening',
  );

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    backend.startDraining();
    logger.info({ signal, drainDelayMs }, 'draining');
    setTimeout(() => {
      logger.info({}, 'closing');
      backend.close().then(
        () => {
          logger.info({}, 'closed');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'close failed');
          process.exit(1);
        },
      );
    }, drainDelayMs);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return backend;
}
