/**
 * The sample backend's command line, parsed with node:util parseArgs:
 * `--port 3000 --host 127.0.0.1 --drain-delay-ms 0 --log-level info`.
 */
import { parseArgs } from 'node:util';
import type { LogLevel } from './logger.js';

export interface CliOptions {
  port: number;
  host: string;
  drainDelayMs: number;
  logLevel: LogLevel;
  help: boolean;
}

export const usage = `Usage: node examples/sample-backend/dist/main.js [options]

  -p, --port <n>            TCP port, 0 picks a free one (default 3000)
      --host <addr>         interface to bind (default 127.0.0.1; 0.0.0.0 in a container)
      --drain-delay-ms <n>  after SIGTERM/SIGINT, keep serving with /readyz at 503 this long (default 0)
      --log-level <level>   debug, info, warn, error or silent (default info)
  -h, --help                print this help
`;

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Parses argv (without `node` and the script). Throws a TypeError naming the bad flag. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', short: 'p', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      'drain-delay-ms': { type: 'string', default: '0' },
      'log-level': { type: 'string', default: 'info' },
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
    help: values.help,
  };
}

function integerFlag(flag: string, value: string, max: number): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number > max) {
    throw new TypeError(`${flag} must be an integer from 0 to ${max}, got "${value}"`);
  }
  return number;
}
