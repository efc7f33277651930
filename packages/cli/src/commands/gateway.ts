/**
 * `switchboard gateway --config FILE`: the gateway alone, configured by a Switchboard YAML file,
 * SWITCHBOARD_* variables and flags (in rising precedence).
 */
import { parseArgs } from 'node:util';
import {
  createLogger,
  loadConfig,
  onShutdownSignal,
  parseSetFlag,
  startGateway,
  type ConfigOverrides,
} from '@switchboard/gateway';
import { printBanner } from '../banner.js';
import { parseFlags, portFlag } from '../usage-error.js';

export const gatewayHelp = `Usage: switchboard gateway [--config FILE] [options]

Runs the gateway alone.

Options:
  --config FILE       Switchboard YAML configuration (or set SWITCHBOARD_CONFIG)
  --port N            client WebSocket port (overrides listen.port)
  --admin-port N      management API and health port (overrides admin.port)
  --stage NAME        the one stage to serve (overrides api.stages)
  --set path=value    any setting, e.g. --set limits.binary=accept (repeatable)
  --param Key=Value   CloudFormation template parameter (templates: not yet supported)
  -h, --help          this help

Settings are documented in docs/configuration.md.

Examples:
  switchboard gateway --config examples/sample-backend/switchboard.yml
  SWITCHBOARD_LISTEN_PORT=9000 switchboard gateway --config switchboard.yml
`;

export async function gateway(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseFlags('gateway', () =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        'admin-port': { type: 'string' },
        stage: { type: 'string' },
        set: { type: 'string', multiple: true },
        param: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) {
    process.stdout.write(gatewayHelp);
    return;
  }
  const flags: ConfigOverrides = {
    listen: { port: portFlag('port', values.port) },
    admin: { port: portFlag('admin-port', values['admin-port']) },
    api: values.stage === undefined ? {} : { stages: [values.stage], defaultStage: values.stage },
  };
  const config = await loadConfig({
    file: values.config,
    env,
    overrides: [flags, ...(values.set ?? []).map(parseSetFlag)],
  });
  const logger = await createLogger(config.log);
  const running = await startGateway(config, logger);
  printBanner(running);
  onShutdownSignal(logger, () => running.gateway.close());
}
