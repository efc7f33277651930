/**
 * Logs the configuration's warnings (no routes, a `default` route key, …) at startup, once: the
 * gateway starts anyway, and `switchboard config validate` prints the same warnings.
 */
import { configWarnings, type Config, type Logger } from '@switchboard/gateway';

/** One `warn` line per warning, with the setting it is about. */
export function logConfigWarnings(config: Config, logger: Logger): void {
  for (const warning of configWarnings(config)) logger.warn({ setting: warning.path }, warning.message);
}
