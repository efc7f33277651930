/**
 * `SWITCHBOARD_*` environment variables: their names, generated from the schema, and reading them
 * into a configuration layer. The caller passes the environment; nothing here reads process.env.
 */
import type { ConfigIssue } from './issues.js';
import { mergeLayers, nest, type PlainObject } from './merge.js';
import { configSettings, type JsonSchema, type SettingKind } from './settings.js';
import { closestName } from './suggest.js';
import { parseSettingText } from './values.js';

export const ENV_PREFIX = 'SWITCHBOARD_';
/** Reserved for the path of the configuration file; not a setting. */
export const CONFIG_FILE_ENV = 'SWITCHBOARD_CONFIG';

/** One environment variable and the setting it sets. */
export interface EnvVar {
  /** The variable, e.g. `SWITCHBOARD_LIMITS_MAX_FRAME_BYTES`. */
  readonly env: string;
  /** The setting path, e.g. `limits.maxFrameBytes`. */
  readonly path: string;
  readonly segments: readonly string[];
  readonly kind: SettingKind;
  /** Type for people, as in docs/configuration.md. */
  readonly type: string;
  readonly description: string;
  /** The default value; undefined when the setting has none. */
  readonly default: unknown;
  /** The setting's JSON Schema, which decides how the value text is parsed. */
  readonly schema: JsonSchema;
}

/**
 * `SWITCHBOARD_` + the path segments in UPPER_SNAKE (camelCase split at each capital) joined by `_`:
 * `limits.maxFrameBytes` → `SWITCHBOARD_LIMITS_MAX_FRAME_BYTES`.
 */
export function envVarName(segments: readonly string[]): string {
  const snake = segments.map((segment) =>
    segment
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .toUpperCase(),
  );
  return ENV_PREFIX + snake.join('_');
}

let cachedTable: readonly EnvVar[] | undefined;

/**
 * Every variable, one per setting outside map items: leaves, lists (`a,b` or a JSON array) and maps
 * (`routes`, `integrations`, a JSON object). Settings inside a map item have no variable of their own.
 */
export function envVarTable(): readonly EnvVar[] {
  cachedTable ??= configSettings()
    .filter((setting) => !setting.inMap)
    .map(({ segments, path, kind, type, description, default: byDefault, schema }) => ({
      env: envVarName(segments),
      path,
      segments,
      kind,
      type,
      description,
      default: byDefault,
      schema,
    }));
  return cachedTable;
}

/** The settings found in `env`, as a configuration layer, and the problems with the variables. */
export interface EnvLayer {
  readonly values: PlainObject;
  readonly issues: readonly ConfigIssue[];
}

/**
 * Read every `SWITCHBOARD_*` variable of `env` (except SWITCHBOARD_CONFIG). An empty value counts as
 * unset. An unknown name or a value that does not parse is a problem named by its variable.
 */
export function readEnv(env: Readonly<Record<string, string | undefined>>): EnvLayer {
  const byName = new Map(envVarTable().map((entry) => [entry.env, entry]));
  const layers: PlainObject[] = [];
  const issues: ConfigIssue[] = [];
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || name === CONFIG_FILE_ENV || text === undefined || text === '')
      continue;
    const entry = byName.get(name);
    if (entry === undefined) {
      const guess = closestName(name, byName.keys(), Math.max(3, Math.floor(name.length / 5)));
      issues.push({
        path: name,
        message: `unknown environment variable${guess === undefined ? '' : ` (did you mean ${guess}?)`}`,
      });
      continue;
    }
    const parsed = parseSettingText(entry.schema, text);
    if (parsed.ok) layers.push(nest(entry.segments, parsed.value));
    else issues.push({ path: name, message: `${parsed.message} (sets ${entry.path})` });
  }
  return { values: mergeLayers(...layers), issues };
}
