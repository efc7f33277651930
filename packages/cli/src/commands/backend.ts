/**
 * `switchboard backend`: the sample backend alone (connect, disconnect, message and later endpoints).
 */
import { parseArgs } from 'node:util';
import { GatewayError } from '@switchboard/gateway';
import { runSampleBackend } from '@switchboard/sample-backend';
import { parseFlags, portFlag } from '../usage-error.js';

export const backendHelp = `Usage: switchboard backend [options]

Runs the sample backend alone: POST /connect, /disconnect, /message (echo), /later; GET /healthz, /readyz.

Options:
  --port N              port (default 3000; 0 picks a free port)
  --host HOST           interface (default 127.0.0.1)
  --drain-delay-ms N    after SIGTERM, keep serving this long with readiness 503 (default 0)
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
  const running = await runSampleBackend({ port, host, drainDelayMs });
  process.stdout.write(`sample backend listening on ${running.url ?? `http://${host}:${port}`}\n`);
}
