/**
 * The logger the sample backend writes to: any pino-compatible object (`info(obj, msg)`, …), or a
 * tiny default that prints one JSON object a line to stderr, in pino's line shape.
 */

/** The four pino methods the sample backend calls, always as `(fields, message)`. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** pino's numeric levels, so `| npx pino-pretty` reads the default logger's lines too. */
const levelValues = { debug: 20, info: 30, warn: 40, error: 50, silent: Infinity } as const;

export interface ConsoleLoggerOptions {
  /**
   * Lowest level written.
   * @default 'info'
   */
  level?: LogLevel;
  /**
   * Where each line (with its trailing newline) goes.
   * @default process.stderr.write
   */
  write?: (line: string) => void;
}

/** A logger that writes `{"level":30,"time":…,"pid":…,…fields,"msg":…}` lines. */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const threshold = levelValues[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const at =
    (level: Exclude<LogLevel, 'silent'>) =>
    (obj: object, msg?: string): void => {
      const value = levelValues[level];
      if (value < threshold) return;
      write(`${formatLine(value, obj, msg)}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** One JSON line; Error values become `{type, message, stack}` as pino's `err` serializer does. */
export function formatLine(level: number, obj: object, msg: string | undefined): string {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj))
    fields[key] = value instanceof Error ? serializeError(value) : value;
  const line = {
    level,
    time: Date.now(),
    pid: process.pid,
    ...fields,
    ...(msg === undefined ? {} : { msg }),
  };
  try {
    return JSON.stringify(line);
  } catch {
    // Circular structures or BigInt: keep the message rather than throw from a log call.
    return JSON.stringify({
      level,
      time: line.time,
      pid: line.pid,
      msg,
      logError: 'fields could not be serialized',
    });
  }
}

function serializeError(error: Error): Record<string, unknown> {
  const serialized: Record<string, unknown> = {
    type: error.name,
    message: error.message,
    stack: error.stack,
  };
  const { code } = error as { code?: unknown };
  if (code !== undefined) serialized.code = code;
  return serialized;
}
