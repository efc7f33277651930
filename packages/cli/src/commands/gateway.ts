/**
 * `switchboard gateway --config FILE`: the gateway alone, configured by a Switchboard YAML file or a
 * CloudFormation/SAM template (`--param Key=Value`), SWITCHBOARD_* variables and flags (in rising precedence).
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
import { bannerText, printBanner } from '../banner.js';
import { logConfigWarnings } from '../config-warnings.js';
import { parseFlags, portFlag, templateParams, workersFlag } from '../usage-error.js';
import { isWorker, reportReady, superviseWorkers } from '../workers.js';

export const gatewayHelp = `Usage: switchboard gateway [--config FILE] [options]

Runs the gateway alone.

Options:
  --config FILE       Switchboard YAML, or a CloudFormation or SAM template (or set
                      SWITCHBOARD_CONFIG); templates: docs/templates.md
  --port N            client WebSocket port (overrides listen.port)
  --admin-port N      management API and health port (overrides admin.port)
  --stage NAME        the one stage to serve (overrides api.stages)
  --workers N         gateway processes sharing the ports (overrides cluster.workers)
  --set path=value    any setting, e.g. --set limits.binary=accept (repeatable)
  --param Key=Value   a template parameter (repeatable); others take their Default
  --dynamodb-endpoint URL
                      DynamoDB (e.g. DynamoDB Local) for local functions; a template's
                      tables are created there (overrides dynamodb.endpoint)
  -h, --help          this help

Settings are documented in docs/configuration.md.

Examples:
  switchboard gateway --config examples/sample-backend/switchboard.yml
  SWITCHBOARD_LISTEN_PORT=9000 switchboard gateway --config switchboard.yml
  switchboard gateway --config template.yml --param StageName=dev --set listen.port=8080
  switchboard gateway --config template.yaml --dynamodb-endpoint http://127.0.0.1:8000
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
        workers: { type: 'string' },
        set: { type: 'string', multiple: true },
        param: { type: 'string', multiple: true },
        'dynamodb-endpoint': { type: 'string' },
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
    cluster: { workers: workersFlag(values.workers) },
    dynamodb: { endpoint: values['dynamodb-endpoint'] },
  };
  const templateMessages: { kind: 'warning' | 'note'; message: string }[] = [];
  const config = await loadConfig({
    file: values.config,
    env,
    overrides: [flags, ...(values.set ?? []).map(parseSetFlag)],
    templateParameters: templateParams(values.param),
    onTemplateMessage: (kind, message) => templateMessages.push({ kind, message }),
  });
  const logger = await createLogger(config.log);
  for (const { kind, message } of templateMessages) {
    if (kind === 'warning') logger.warn({ template: values.config }, message);
    else logger.info({ template: values.config }, message);
  }
  // Once: by the primary in worker mode, whose workers load the same configuration.
  if (!isWorker) logConfigWarnings(config, logger);
  if (config.cluster.workers > 1 && !isWorker) {
    superviseWorkers(config.cluster.workers, logger);
    return;
  }
  const running = await startGateway(config, logger);
  if (isWorker) reportReady(bannerText(running, config));
  else printBanner(running, config);
  onShutdownSignal(logger, () => running.gateway.close());
}
