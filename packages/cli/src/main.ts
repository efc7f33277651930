/**
 * The `switchboard` command: dispatches to `up`, `gateway` and `backend`, prints help, and turns
 * errors into one clear line and a meaningful exit code (see usage-error.ts).
 */
import { createRequire } from 'node:module';
import { GatewayError } from '@switchboard/gateway';
import { backend, backendHelp } from './commands/backend.js';
import { bench, benchHelp } from './commands/bench.js';
import { broadcast, broadcastHelp } from './commands/broadcast.js';
import { config, configHelp } from './commands/config.js';
import { deleteConnection, deleteHelp } from './commands/delete.js';
import { get, getHelp } from './commands/get.js';
import { list, listHelp } from './commands/list.js';
import { send, sendHelp } from './commands/send.js';
import { gateway, gatewayHelp } from './commands/gateway.js';
import { importHelp, importTemplate } from './commands/import.js';
import { up, upHelp } from './commands/up.js';
import { exitCodeFor, exitCodes } from './usage-error.js';

const help = `Usage: switchboard <command> [options]

Switchboard holds clients' WebSockets so that backends stay stateless HTTP services.

Commands:
  up         gateway and sample backend together (the quick start)
  gateway    the gateway alone: switchboard gateway --config FILE
  backend    the sample backend alone
  import     print the Switchboard YAML of a CloudFormation or SAM template
  config     config validate --config FILE: check a configuration
  send       send a message to a connection (management API)
  get        describe a connection
  delete     disconnect a connection
  list       list open connections
  broadcast  send a message to every connection of a stage
  bench      load-test a stage: throughput and round-trip latency of N clients
  help CMD   help for one command

Options:
  -h, --help     this help
  -v, --version  the version

Examples:
  switchboard up
  switchboard gateway --config examples/sample-backend/switchboard.yml
  switchboard backend --port 3000
  switchboard gateway --config template.yml --param StageName=dev
  switchboard import template.yml > switchboard.yml
  switchboard config validate --config switchboard.yml
  switchboard list --endpoint http://127.0.0.1:8081/dev
  switchboard send --endpoint http://127.0.0.1:8081/dev CONNECTION_ID 'hello'
  switchboard bench ws://127.0.0.1:8080/dev

Exit codes: 0 ok, 1 failure, 2 usage error, 3 connection gone, 4 refused (403),
69 gateway unreachable, 78 invalid configuration.
`;

const commands: Record<
  string,
  { run: (argv: readonly string[], env: NodeJS.ProcessEnv) => Promise<unknown>; help: string }
> = {
  up: { run: up, help: upHelp },
  gateway: { run: gateway, help: gatewayHelp },
  backend: { run: (argv) => backend(argv), help: backendHelp },
  import: { run: (argv) => importTemplate(argv), help: importHelp },
  config: { run: config, help: configHelp },
  send: { run: send, help: sendHelp },
  get: { run: get, help: getHelp },
  delete: { run: deleteConnection, help: deleteHelp },
  list: { run: list, help: listHelp },
  broadcast: { run: broadcast, help: broadcastHelp },
  bench: { run: bench, help: benchHelp },
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help') {
    (name === undefined ? process.stderr : process.stdout).write(help);
    return name === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (name === '-v' || name === '--version') {
    const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
    process.stdout.write(`${version}\n`);
    return exitCodes.ok;
  }
  if (name === 'help') {
    process.stdout.write(commands[rest[0] ?? '']?.help ?? help);
    return exitCodes.ok;
  }
  const command = commands[name];
  if (command === undefined)
    throw new GatewayError('SWB_ERR_CLI_USAGE', `unknown command "${name}"; run switchboard --help`);
  // A command resolves with its exit code when it is not 0 (`config validate`), else with nothing.
  const code = await command.run(rest, process.env);
  return typeof code === 'number' ? code : exitCodes.ok;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== exitCodes.ok) process.exit(code);
  },
  (error: unknown) => {
    const code = error instanceof GatewayError ? `${error.code}: ` : '';
    process.stderr.write(`switchboard: ${code}${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(exitCodeFor(error));
  },
);
