/**
 * The sample backend's command line, parsed with node:util parseArgs:
 * `--port 3000 --host 127.0.0.1 --drain-delay-ms 0 --log-level info --store sqlite …`.
 * Session store flags fall back to environment variables (SESSION_STORE, REDIS_URL, …).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  sessionStoreKinds,
  type SessionStoreConfig,
  type SessionStoreKind,
} from '@switchboard/session-store';
import type { LogLevel } from './logger.js';
import { DEFAULT_SESSION_TTL_SECONDS } from './sessions.js';

/** Where the SQLite session file goes by default: outside the clone, kept across restarts. */
export const DEFAULT_SQLITE_PATH = join(tmpdir(), 'switchboard-sample-backend', 'sessions.db');

export interface CliOptions {
  port: number;
  host: string;
  drainDelayMs: number;
  logLevel: LogLevel;
  /** The session store to open. */
  store: SessionStoreConfig;
  sessionTtlSeconds: number;
  help: boolean;
}

export const usage = `Usage: node examples/sample-backend/dist/main.js [options]

  -p, --port <n>            TCP port, 0 picks a free one (default 3000)
      --host <addr>         interface to bind (default 127.0.0.1; 0.0.0.0 in a container)
      --drain-delay-ms <n>  after SIGTERM/SIGINT, keep serving with /readyz at 503 this long (default 0)
      --log-level <level>   debug, info, warn, error or silent (default info)
      --store <kind>        session store: memory, sqlite, redis or dynamodb (env SESSION_STORE; default sqlite)
      --sqlite-path <file>  SQLite file (env SESSION_SQLITE_PATH; default ${DEFAULT_SQLITE_PATH})
      --redis-url <url>     Redis URL (env REDIS_URL; default redis://127.0.0.1:6379)
      --dynamodb-table <t>  DynamoDB table, created with TTL when missing (env DYNAMODB_TABLE; default switchboard-sessions)
      --dynamodb-endpoint <url>  DynamoDB endpoint, e.g. DynamoDB Local (env DYNAMODB_ENDPOINT; default AWS)
      --session-ttl-s <n>   session TTL in seconds (default ${DEFAULT_SESSION_TTL_SECONDS}, above the 2 h maximum connection)
  -h, --help                print this help
`;

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Parses argv (without `node` and the script). Throws a TypeError naming the bad flag. */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', short: 'p', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      'drain-delay-ms': { type: 'string', default: '0' },
      'log-level': { type: 'string', default: 'info' },
      store: { type: 'string' },
      'sqlite-path': { type: 'string' },
      'redis-url': { type: 'string' },
      'dynamodb-table': { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      'session-ttl-s': { type: 'string', default: String(DEFAULT_SESSION_TTL_SECONDS) },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const logLevel = values['log-level'];
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new TypeError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  if (values.host === '') throw new TypeError('--host must not be empty');
  return {
    port: integerFlag('--port', values.port, 65_535),
    host: values.host,
    drainDelayMs: integerFlag('--drain-delay-ms', values['drain-delay-ms'], 3_600_000),
    logLevel: logLevel as LogLevel,
    store: storeConfig(values, env),
    sessionTtlSeconds: integerFlag('--session-ttl-s', values['session-ttl-s'], 365 * 24 * 3600, 1),
    help: values.help,
  };
}

function storeConfig(
  values: {
    store?: string | undefined;
    'sqlite-path'?: string | undefined;
    'redis-url'?: string | undefined;
    'dynamodb-table'?: string | undefined;
    'dynamodb-endpoint'?: string | undefined;
  },
  env: Readonly<Record<string, string | undefined>>,
): SessionStoreConfig {
  const kind = values.store ?? env.SESSION_STORE ?? 'sqlite';
  if (!sessionStoreKinds.includes(kind as SessionStoreKind))
    throw new TypeError(`--store must be one of ${sessionStoreKinds.join(', ')}, got "${kind}"`);
  switch (kind as SessionStoreKind) {
    case 'memory':
      return { kind: 'memory' };
    case 'sqlite':
      return {
        kind: 'sqlite',
        path: values['sqlite-path'] ?? env.SESSION_SQLITE_PATH ?? DEFAULT_SQLITE_PATH,
      };
    case 'redis':
      return { kind: 'redis', url: values['redis-url'] ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
    case 'dynamodb': {
      const endpoint = values['dynamodb-endpoint'] ?? env.DYNAMODB_ENDPOINT;
      return {
        kind: 'dynamodb',
        table: values['dynamodb-table'] ?? env.DYNAMODB_TABLE ?? 'switchboard-sessions',
        createTable: true,
        ...(endpoint === undefined ? {} : { endpoint }),
      };
    }
  }
}

function integerFlag(flag: string, value: string, max: number, min = 0): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number > max || number < min) {
    throw new TypeError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return number;
}
