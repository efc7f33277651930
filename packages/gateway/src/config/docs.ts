/**
 * The text of docs/configuration.md, rendered from the schema's catalogue of settings.
 * `npm run build && npm run docs:generate` writes it; docs.test.ts fails when the file is stale.
 */
import { stringify } from 'yaml';
import { envVarName } from './env.js';
import type { ConfigInput } from './schema.js';
import { configSections, type Section, type Setting } from './settings.js';

/** The example shown in the doc; docs.test.ts checks that it is a valid configuration. */
export const exampleConfig = {
  listen: { port: 8080 },
  api: { stages: ['dev', 'prod'] },
  routes: {
    $connect: { integration: 'backend' },
    $disconnect: { integration: 'backend' },
    $default: { integration: 'backend', twoWay: true },
  },
  integrations: {
    backend: { uri: 'http://localhost:3000/events', timeoutMs: 10_000 },
  },
  log: { format: 'json' },
} satisfies ConfigInput;

/** The full markdown of docs/configuration.md. */
export function renderConfigurationDoc(): string {
  return [
    header,
    '```yaml',
    stringify(exampleConfig).trimEnd(),
    '```',
    '',
    ...configSections().flatMap(renderSection),
  ].join('\n');
}

const header = `<!-- Generated from packages/gateway/src/config/schema.ts by \`npm run build && npm run docs:generate\`. Do not edit by hand. -->

# Configuration

The gateway reads its configuration once, at startup, from four sources. Each source overrides the
ones before it:

1. the defaults listed below;
2. a YAML file, given with \`--config FILE\` (or the \`SWITCHBOARD_CONFIG\` environment variable);
3. \`SWITCHBOARD_*\` environment variables;
4. command-line flags, including the generic \`--set path=value\` (repeatable), e.g.
   \`--set limits.maxFrameBytes=65536\`.

Sections and maps (\`routes\`, \`integrations\`) merge key by key across sources; lists and single
values replace. The merged configuration is checked against one schema: an unknown key is an error,
and every problem is reported at once, each with its path (\`SWB_ERR_CONFIG_INVALID\`, see
[errors.md](errors.md)). A misspelt key, \`SWITCHBOARD_*\` variable or \`--set\` path comes with the
nearest known one (\`\`listen.prot: unrecognized key (did you mean \`port\`?)\`\`), and a route naming
an unknown integration or authorizer with the nearest defined name, even when other settings of that
route or integration are wrong too. A configuration file that is missing or is not valid YAML is
\`SWB_ERR_CONFIG_UNREADABLE\`.

Some valid configurations are almost surely mistakes: no routes at all (every message would get the
\`Forbidden\` frame), or a route key \`default\`, \`connect\` or \`disconnect\` without the \`$\` of AWS's
predefined \`$default\`, \`$connect\` and \`$disconnect\` (it would be a custom route that only a
message naming it reaches). The gateway starts anyway and logs each at \`warn\`, saying what to write
instead; \`switchboard config validate\` prints them under its \`OK\`.

## Environment variables and \`--set\` values

The variable of a setting is \`SWITCHBOARD_\` followed by the setting's path in UPPER_SNAKE_CASE:
\`listen.port\` is \`SWITCHBOARD_LISTEN_PORT\`, \`limits.maxFrameBytes\` is
\`SWITCHBOARD_LIMITS_MAX_FRAME_BYTES\`. Values of variables and of \`--set\` are read by the setting's type:

- numbers as written (\`9000\`);
- booleans as \`true\`, \`false\`, \`1\` or \`0\`;
- lists comma-separated (\`dev,prod\`) or as a JSON array (\`["dev","prod"]\`);
- maps (\`routes\`, \`integrations\`) as a JSON object, e.g.
  \`SWITCHBOARD_ROUTES='{"$default":{"integration":"backend"}}'\`;
- anything else as the text itself.

An empty variable counts as unset. An unknown \`SWITCHBOARD_*\` variable is an error, like a misspelt
key. Settings inside a map item (\`routes.<routeKey>.…\`, \`integrations.<name>.…\`) have no variable of
their own: set the whole map, or use \`--set\`, which reaches into map items, e.g.
\`--set integrations.backend.uri=http://localhost:3000/events\`.

## Example
`;

function renderSection(section: Section): string[] {
  return [
    `## \`${section.name}\``,
    '',
    section.description,
    '',
    '| setting | type | default | env var | description |',
    '| --- | --- | --- | --- | --- |',
    ...section.settings.map((setting) => renderRow(setting, section)),
    '',
  ];
}

function renderRow(setting: Setting, section: Section): string {
  const env = setting.inMap ? '—' : `\`${envVarName(setting.segments)}\``;
  // A top-level map's description already heads its section.
  const description =
    setting.segments.length > 1
      ? setting.description
      : section.settings.length > 1
        ? 'The whole map; each entry has the fields below.'
        : 'The whole map.';
  return `| \`${setting.path}\` | ${cell(setting.type)} | ${cell(defaultLabel(setting))} | ${env} | ${cell(description)} |`;
}

function defaultLabel(setting: Setting): string {
  if (setting.required) return '**required**';
  if (setting.default === undefined) return '—';
  return `\`${typeof setting.default === 'string' ? setting.default : JSON.stringify(setting.default)}\``;
}

/** Text safe inside a markdown table cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
