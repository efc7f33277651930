/**
 * `switchboard backend`: the sample backend alone (connect, disconnect, message and later endpoints).
 */
import { parseArgs } from 'node:util';
import { GatewayError } from '@switchboard/gateway';
import { parseCliArgs, runSampleBackend } from '@switchboard/sample-backend';
import { parseFlags, portFlag } from '../usage-error.js';

export const backendHelp = `Usage: switchboard backend [options]

Runs the sample backend alone: POST /connect, /disconnect, /message (echo), /later; GET /healthz, /readyz.

Options:
  --port N              port (default 3000; 0 picks a free port)
  --host HOST           interface (default 127.0.0.1)
  --drain-delay-ms N    after SIGTERM, readiness 503 and the drain signal this long (default 0)
  --store KIND          session store: memory, sqlite, redis or dynamodb (env SESSION_STORE; default sqlite)
  --sqlite-path FILE    SQLite file (env SESSION_SQLITE_PATH; default under the OS temp dir)
  --redis-url URL       Redis (env REDIS_URL; default redis://127.0.0.1:6379)
  --dynamodb-table T    DynamoDB table, created when missing (env DYNAMODB_TABLE)
  --dynamodb-endpoint U DynamoDB endpoint, e.g. DynamoDB Local (env DYNAMODB_ENDPOINT)
  -h, --help            this help

Examples:
  switchboard backend --port 3000
  switchboard gateway --config examples/sample-backend/switchboard.yml
`;

export async function backend(argv: readonly string[]): Promise<void> {
  const { values } = parseFlags('backend', () =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'drain-delay-ms': { type: 'string' },
        store: { type: 'string' },
        'sqlite-path': { type: 'string' },
        'redis-url': { type: 'string' },
        'dynamodb-table': { type: 'string' },
        'dynamodb-endpoint': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) {
    process.stdout.write(backendHelp);
    return;
  }
  const drainDelayMs = values['drain-delay-ms'] === undefined ? 0 : Number(values['drain-delay-ms']);
  if (!Number.isInteger(drainDelayMs) || drainDelayMs < 0) {
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `--drain-delay-ms must be a whole number of ms, got "${values['drain-delay-ms'] ?? ''}"`,
    );
  }
  const port = portFlag('port', values.port) ?? 3000;
  const host = values.host ?? '127.0.0.1';
  const storeFlags = (['store', 'sqlite-path', 'redis-url', 'dynamodb-table', 'dynamodb-endpoint'] as const).flatMap((name) => {
    const value = values[name];
    return value === undefined ? [] : [`--${name}`, value];
  });
  let store;
  try {
    ({ store } = parseCliArgs(storeFlags, process.env));
  } catch (error) {
    throw new GatewayError('SWB_ERR_CLI_USAGE', (error as Error).message);
  }
  const running = await runSampleBackend({ port, host, drainDelayMs, store });
  process.stdout.write(`sample backend listening on ${running.url ?? `http://${host}:${port}`}\n`);
}
