/**
 * Entry point: `node examples/sample-backend/dist/main.js --port 3000 [--host 127.0.0.1]`.
 * Prints `sample backend listening on http://HOST:PORT` on stdout once listening; logs go to stderr.
 */
import { parseCliArgs, usage, type CliOptions } from './cli-args.js';
import { createConsoleLogger } from './logger.js';
import { runSampleBackend } from './run.js';

let options: CliOptions;
try {
  options = parseCliArgs(process.argv.slice(2), process.env);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${usage}`);
  process.exit(2);
}

if (options.help) {
  process.stdout.write(usage);
  process.exit(0);
}

const logger = createConsoleLogger({ level: options.logLevel });
try {
  const backend = await runSampleBackend({
    port: options.port,
    host: options.host,
    drainDelayMs: options.drainDelayMs,
    store: options.store,
    sessionTtlSeconds: options.sessionTtlSeconds,
    logger,
  });
  process.stdout.write(`sample backend listening on ${backend.url ?? ''}\n`);
} catch (error) {
  logger.error({ err: error }, 'sample backend failed to start');
  process.exit(1);
}
