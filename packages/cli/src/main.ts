/**
 * The `switchboard` command: dispatches to `up`, `gateway` and `backend`, prints help, and turns
 * errors into one clear line and a meaningful exit code (see usage-error.ts).
 */
import { createRequire } from 'node:module';
import { GatewayError } from '@switchboard/gateway';
import { backend, backendHelp } from './commands/backend.js';
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

Exit codes: 0 ok, 1 failure, 2 usage error, 78 invalid configuration.
`;

const commands: Record<
  string,
  { run: (argv: readonly string[], env: NodeJS.ProcessEnv) => Promise<void>; help: string }
> = {
  up: { run: up, help: upHelp },
  gateway: { run: gateway, help: gatewayHelp },
  backend: { run: (argv) => backend(argv), help: backendHelp },
  import: { run: (argv) => importTemplate(argv), help: importHelp },
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
  await command.run(rest, process.env);
  return exitCodes.ok;
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
