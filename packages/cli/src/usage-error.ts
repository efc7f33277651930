/**
 * Command-line errors and exit codes. Exit codes: 0 success, 1 runtime failure, 2 usage error
 * (unknown command or flag, bad value), 78 configuration invalid or unreadable (EX_CONFIG).
 */
import { GatewayError } from '@switchboard/gateway';

export const exitCodes = { ok: 0, failure: 1, usage: 2, config: 78 } as const;

/** Runs a `parseArgs` call; its errors become SWB_ERR_CLI_USAGE naming the command. */
export function parseFlags<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new GatewayError('SWB_ERR_CLI_USAGE', `switchboard ${command}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** A port flag's value as a number, or a usage error naming the flag. */
export function portFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `--${name} must be a port number from 0 to 65535, got "${value}"`,
    );
  return port;
}

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof GatewayError) {
    if (error.code === 'SWB_ERR_CLI_USAGE') return exitCodes.usage;
    if (error.code === 'SWB_ERR_CONFIG_INVALID' || error.code === 'SWB_ERR_CONFIG_UNREADABLE')
      return exitCodes.config;
  }
  return exitCodes.failure;
}
