/**
 * Command-line errors and exit codes. Exit codes: 0 success, 1 runtime failure, 2 usage error
 * (unknown command or flag, bad value), 3 connection gone, 4 refused by the management API (403),
 * 69 gateway unreachable (EX_UNAVAILABLE), 78 configuration or template invalid or unreadable (EX_CONFIG).
 */
import { GatewayError } from '@switchboard/gateway';

export const exitCodes = { ok: 0, failure: 1, usage: 2, gone: 3, refused: 4, unreachable: 69, config: 78 } as const;

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

/** The `--workers` flag's value as a number, or a usage error. */
export function workersFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new GatewayError('SWB_ERR_CLI_USAGE', `--workers must be a whole number from 1 to 256, got "${value}"`);
  }
  return workers;
}

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof GatewayError) {
    if (error.code === 'SWB_ERR_CLI_USAGE') return exitCodes.usage;
    if (error.code === 'SWB_ERR_CONFIG_INVALID' || error.code === 'SWB_ERR_CONFIG_UNREADABLE' || error.code === 'SWB_ERR_TEMPLATE_INVALID' || error.code === 'SWB_ERR_LAMBDA_HANDLER')
      return exitCodes.config;
    // Management commands: the gateway's answer decides.
    if (error.code === 'SWB_ERR_CONNECTION_GONE') return exitCodes.gone;
    if (error.code === 'SWB_ERR_MANAGEMENT_AUTH' || error.code === 'SWB_ERR_STAGE_NOT_FOUND') return exitCodes.refused;
    if (error.code === 'SWB_ERR_CLI_REQUEST') return exitCodes.unreachable;
  }
  return exitCodes.failure;
}

/** `--param Key=Value` flags (CloudFormation template parameters) as a map, or a usage error. */
export function templateParams(values: readonly string[] | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const flag of values ?? []) {
    const equals = flag.indexOf('=');
    if (equals <= 0) throw new GatewayError('SWB_ERR_CLI_USAGE', `--param ${flag}: expected Key=Value, e.g. --param Stage=prod`);
    params[flag.slice(0, equals)] = flag.slice(equals + 1);
  }
  return params;
}
