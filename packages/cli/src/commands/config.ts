/**
 * `switchboard config validate [--config FILE]`: loads the configuration exactly as `switchboard
 * gateway` would (file, SWITCHBOARD_* variables, --set, template parameters) and prints OK with any
 * warnings, or every problem, exiting 78 when it is invalid or unreadable.
 */
import { parseArgs } from 'node:util';
import { configWarnings, GatewayError, isConfigInvalid, loadConfig, parseSetFlag, type Config } from '@switchboard/gateway';
import { printJson, stylesFor } from '../output/terminal.js';
import { exitCodes, parseFlags, templateParams } from '../usage-error.js';

export const configHelp = `Usage: switchboard config validate [--config FILE] [options]

Checks a configuration without starting anything: the file (Switchboard YAML, or a
CloudFormation or SAM template), SWITCHBOARD_* variables and --set flags, merged and
validated as the gateway does. Prints OK, or every problem with its setting path.
A valid configuration may still get warnings (no routes, a route key \`default\`
for \`$default\`): they are printed under OK, and the gateway logs them at startup.

Options:
  --config FILE       the file (or SWITCHBOARD_CONFIG)
  --set path=value    a setting as \`switchboard gateway\` takes it (repeatable)
  --param Key=Value   a template parameter (repeatable)
  --json              print {"valid":true,"warnings":[{path,message}]} or
                      {"valid":false,"problems":[{path,message}]}
  -h, --help          this help

Exit codes: 0 valid (with or without warnings), 2 usage error, 78 invalid or unreadable configuration.

Examples:
  switchboard config validate --config switchboard.yml
  SWITCHBOARD_LISTEN_PORT=9000 switchboard config validate --config switchboard.yml
  switchboard config validate --config template.yml --param StageName=dev --json
`;

/** Runs `switchboard config SUBCOMMAND`; returns the exit code. */
export async function config(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === '-h' || subcommand === '--help' || subcommand === 'help') {
    process.stdout.write(configHelp);
    return exitCodes.ok;
  }
  if (subcommand !== 'validate')
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard config: unknown subcommand "${subcommand ?? ''}"; try switchboard config validate --help`,
    );
  const { values } = parseFlags('config validate', () =>
    parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        set: { type: 'string', multiple: true },
        param: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) {
    process.stdout.write(configHelp);
    return exitCodes.ok;
  }
  const { green, red, bold } = stylesFor(process.stdout, env);
  const file = values.config ?? env.SWITCHBOARD_CONFIG;
  let loaded: Config;
  try {
    loaded = await loadConfig({
      file: values.config,
      env,
      overrides: (values.set ?? []).map(parseSetFlag),
      templateParameters: templateParams(values.param),
    });
  } catch (error) {
    if (isConfigInvalid(error)) {
      if (values.json === true) printJson({ valid: false, file, problems: error.issues });
      else
        process.stdout.write(
          `${red('INVALID')} ${file ?? '(no file)'}: ${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}\n${error.issues.map((issue) => `  ${bold(issue.path)}: ${issue.message}\n`).join('')}`,
        );
      return exitCodes.config;
    }
    if (
      error instanceof GatewayError &&
      (error.code === 'SWB_ERR_CONFIG_UNREADABLE' || error.code === 'SWB_ERR_TEMPLATE_INVALID')
    ) {
      if (values.json === true)
        printJson({ valid: false, file, problems: [{ path: '(file)', message: error.message }] });
      else process.stdout.write(`${red('INVALID')} ${file ?? '(no file)'}\n  ${error.message}\n`);
      return exitCodes.config;
    }
    throw error;
  }
  const warnings = configWarnings(loaded);
  if (values.json === true) printJson({ valid: true, file, warnings });
  else
    process.stdout.write(
      `${green('OK')} ${file ?? '(defaults and environment)'}${warnings.length === 0 ? '' : `, with ${warnings.length === 1 ? '1 warning' : `${String(warnings.length)} warnings`}`}\n${warnings.map((warning) => `  warning ${bold(warning.path)}: ${warning.message}\n`).join('')}`,
    );
  return exitCodes.ok;
}
