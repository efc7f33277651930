/**
 * @switchboard/sample-backend: the stateless sample "WebSocket microservice" behind Switchboard,
 * as an embeddable server (buildSampleBackend) and a process runner with graceful SIGTERM (runSampleBackend).
 */
export {
  buildSampleBackend,
  type ListenResult,
  type SampleBackend,
  type SampleBackendOptions,
} from './app.js';
export { openSessionStore, runSampleBackend, type RunSampleBackendOptions } from './run.js';
export { DEFAULT_SQLITE_PATH, parseCliArgs, type CliOptions } from './cli-args.js';
export { DEFAULT_SESSION_TTL_SECONDS, Sessions } from './sessions.js';
export { createConsoleLogger, type ConsoleLoggerOptions, type Logger, type LogLevel } from './logger.js';
export type { ManagementCredentials } from './management-clients.js';
export { MAX_BODY_BYTES } from './read-body.js';
export { handleLambdaEvents, type EventHandlers } from './lambda-events.js';
export { sampleEventHandlers } from './event-handlers.js';
