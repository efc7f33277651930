/**
 * `switchboard import TEMPLATE`: prints the Switchboard YAML equivalent of a CloudFormation or SAM
 * template (what `gateway --config TEMPLATE` would run), with skipped resources and unsupported
 * properties as comments, so a team can move to plain Switchboard configuration.
 */
import { parseArgs } from 'node:util';
import { GatewayError, loadTemplateFile, parseConfig, templateResultToYaml } from '@switchboard/gateway';
import { parseFlags, templateParams } from '../usage-error.js';

export const importHelp = `Usage: switchboard import TEMPLATE [--param Key=Value]... [--output FILE]

Prints the Switchboard YAML equivalent of a CloudFormation or SAM template: the WebSocket API's
routes, integrations, models, authorizers, stages and local Lambda functions. Skipped resources
and unsupported properties are listed as comments at the top (and on stderr). The output is
checked against the configuration schema before it is printed.

Options:
  --param Key=Value   a template parameter (repeatable); others take their Default
  -o, --output FILE   write to FILE instead of stdout
  -h, --help          this help

Examples:
  switchboard import template.yml > switchboard.yml
  switchboard import template.yml --param StageName=prod --output switchboard.yml

See docs/templates.md.
`;

export async function importTemplate(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseFlags('import', () =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        param: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) {
    process.stdout.write(importHelp);
    return;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0)
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      'switchboard import: give exactly one template file, e.g. switchboard import template.yml',
    );
  const result = await loadTemplateFile({ file, parameters: templateParams(values.param) });
  // The same validation the gateway applies: an import that would not run is an error, not output.
  parseConfig(result.config);
  for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  const yaml = templateResultToYaml(result, file);
  if (values.output === undefined) process.stdout.write(yaml);
  else {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(values.output, yaml);
  }
}
