/**
 * The gateway's logger: pino, writing JSON lines for machines or pino-pretty text for people, with
 * credentials and cookies redacted so that secrets are never logged.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Config } from './config/schema.js';

export type Logger = PinoLogger;

/** Paths whose values are replaced by `[redacted]` in every log line. */
export const redactPaths: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  'secretAccessKey',
  'sessionToken',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.*.secretAccessKey',
  '*.*.sessionToken',
];

/**
 * A logger for `options`, writing to `destination` (default stdout).
 * - `json`: one pino JSON object a line.
 * - `pretty`: pino-pretty, run as an in-process stream (no worker thread), without colours when a
 *   destination is given. It is loaded with a dynamic import only when chosen, which is why this
 *   function is async.
 * - `auto`: pretty when the destination (stdout by default) is a terminal, else json.
 */
export async function createLogger(options: Config['log'], destination?: DestinationStream): Promise<Logger> {
  const pinoOptions = { level: options.level, redact: { paths: [...redactPaths], censor: '[redacted]' } };
  if (!isPretty(options.format, destination)) {
    return destination === undefined ? pino(pinoOptions) : pino(pinoOptions, destination);
  }
  const { default: pretty } = await import('pino-pretty');
  const stream = pretty({
    ignore: 'pid,hostname',
    translateTime: 'SYS:HH:MM:ss.l',
    ...(destination === undefined ? { destination: 1, sync: true } : { destination, colorize: false }),
  });
  return pino(pinoOptions, stream);
}

function isPretty(format: Config['log']['format'], destination: DestinationStream | undefined): boolean {
  switch (format) {
    case 'pretty':
      return true;
    case 'json':
      return false;
    case 'auto':
      return isTerminal(destination ?? process.stdout);
  }
}

/** `isTTY` is undefined, not false, on a stream that is not a terminal. */
function isTerminal(stream: object): boolean {
  return 'isTTY' in stream && stream.isTTY === true;
}
