/**
 * Loading the configuration: defaults < YAML file < SWITCHBOARD_* env < CLI flags, merged, validated
 * once against the schema with every problem reported together, then deep-frozen.
 */
import { GatewayError } from '../errors.js';
import { isTemplate, loadTemplateFile } from '../templates/cloudformation/load-template.js';
import { CONFIG_FILE_ENV, readEnv } from './env.js';
import { readConfigFile } from './file.js';
import { deepFreeze } from './freeze.js';
import { ConfigInvalidError, issuesFromZod, type ConfigIssue } from './issues.js';
import { isPlainObject, mergeLayers, nest, type PlainObject } from './merge.js';
import { configSchema, type Config, type ConfigInput } from './schema.js';
import { keysAt, schemaAt } from './settings.js';
import { closestName } from './suggest.js';
import { parseSettingText } from './values.js';

type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Settings from CLI flags: any setting at any depth may be left out; `undefined` counts as not given. */
export type ConfigOverrides = DeepPartial<ConfigInput>;

export interface LoadConfigOptions {
  /** The YAML file. @default the file named by SWITCHBOARD_CONFIG in `env`, else no file */
  readonly file?: string | undefined;
  /** Where SWITCHBOARD_* variables are read from; callers pass `process.env`. @default no variables */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Settings from CLI flags, the highest layer; a list is merged in order (e.g. one entry per `--set`). */
  readonly overrides?: ConfigOverrides | readonly ConfigOverrides[] | undefined;
  /** `--param Key=Value` values for a CloudFormation or SAM template file. @default {} */
  readonly templateParameters?: Readonly<Record<string, string>> | undefined;
  /** Receives a template's warnings (unsupported properties) and notes (skipped resources). @default they are dropped */
  readonly onTemplateMessage?: ((kind: 'warning' | 'note', message: string) => void) | undefined;
}

/**
 * Validate `input` (a ConfigInput: every setting optional) and return it with defaults filled in,
 * deep-frozen. Throws ConfigInvalidError (SWB_ERR_CONFIG_INVALID) listing every problem.
 */
export function parseConfig(input: unknown): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigInvalidError(issuesFromZod(result.error));
  return deepFreeze(result.data);
}

/**
 * Read the file, the environment and the overrides, merge them (objects and maps merge by key; lists
 * and scalars replace) and validate the result. Problems with variables and with the merged
 * configuration come in one ConfigInvalidError; a file that cannot be read or parsed is
 * SWB_ERR_CONFIG_UNREADABLE.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const issues: ConfigIssue[] = [];
  const layers: PlainObject[] = [];
  const file = options.file ?? nonEmpty(options.env?.[CONFIG_FILE_ENV]);
  if (file !== undefined) {
    const content = await readConfigFile(file);
    if (isPlainObject(content) && isTemplate(content)) {
      const template = await loadTemplateFile({ file, parameters: options.templateParameters });
      for (const warning of template.warnings) options.onTemplateMessage?.('warning', warning);
      for (const note of template.notes) options.onTemplateMessage?.('note', note);
      layers.push(template.config);
    } else if (options.templateParameters !== undefined && Object.keys(options.templateParameters).length > 0) {
      throw new GatewayError('SWB_ERR_CLI_USAGE', `--param is for CloudFormation or SAM templates, and ${file} is not one`);
    } else if (isPlainObject(content)) layers.push(content);
    else if (content !== null)
      issues.push({
        path: file,
        message: 'the file must hold a mapping of settings (`section:` at the top level)',
      });
  }
  if (options.env !== undefined) {
    const fromEnv = readEnv(options.env);
    layers.push(fromEnv.values);
    issues.push(...fromEnv.issues);
  }
  for (const override of [options.overrides ?? []].flat()) layers.push(override);
  const result = configSchema.safeParse(mergeLayers(...layers));
  if (!result.success) issues.push(...issuesFromZod(result.error));
  if (!result.success || issues.length > 0) throw new ConfigInvalidError(issues);
  return deepFreeze(result.data);
}

/**
 * Turn a generic `--set path=value` flag into a nested override, e.g. `limits.maxFrameBytes=65536` →
 * `{ limits: { maxFrameBytes: 65536 } }`. The value is parsed by the kind of the setting at `path`,
 * like a SWITCHBOARD_* value (map items are reachable: `integrations.backend.uri=…`); ranges and formats
 * are checked later by parseConfig. A bad flag or unknown path throws SWB_ERR_CLI_USAGE.
 */
export function parseSetFlag(flag: string): ConfigOverrides {
  const equals = flag.indexOf('=');
  const path = equals < 0 ? '' : flag.slice(0, equals).trim();
  const segments = path.split('.');
  if (path === '' || segments.includes('')) {
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `--set ${flag}: expected path=value, e.g. --set listen.port=9000`,
    );
  }
  const schema = schemaAt(segments);
  if (schema === undefined) {
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `--set ${flag}: unknown setting "${path}" (${setPathHint(segments)})`,
    );
  }
  const parsed = parseSettingText(schema, flag.slice(equals + 1));
  if (!parsed.ok) throw new GatewayError('SWB_ERR_CLI_USAGE', `--set ${path}: ${parsed.message}`);
  return nest(segments, parsed.value);
}

/** `did you mean listen.port?` for the first segment of `segments` that names no setting, else where the settings are listed. */
function setPathHint(segments: readonly string[]): string {
  const known = segments.findIndex((_, i) => schemaAt(segments.slice(0, i + 1)) === undefined);
  const parent = segments.slice(0, known);
  const wrong = segments[known];
  const guess = wrong === undefined ? undefined : closestName(wrong, keysAt(parent) ?? []);
  if (guess === undefined) return 'the settings are listed in docs/configuration.md';
  return `did you mean ${[...parent, guess, ...segments.slice(known + 1)].join('.')}?`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
