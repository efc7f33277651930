/**
 * The catalogue of settings, read from the JSON Schema of `configSchema` (never a hand-kept list):
 * every leaf, list and map with its kind, type, default and description. Env, `--set` and docs use it.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

export type JsonSchema = z.core.JSONSchema.JSONSchema;

/** How a setting's value is written: decides how a string from env or `--set` is parsed. */
export type SettingKind = 'string' | 'enum' | 'integer' | 'number' | 'boolean' | 'list' | 'map' | 'section';

export interface Setting {
  /** Path segments; map keys appear as a `<placeholder>` segment, as in `routes.<routeKey>.integration`. */
  readonly segments: readonly string[];
  /** The segments joined with dots. */
  readonly path: string;
  readonly kind: SettingKind;
  /** Type for people, as written in docs/configuration.md: `integer 0–65535`, `one of json, pretty`. */
  readonly type: string;
  readonly description: string;
  /** The default value (JSON); undefined when the setting has none. */
  readonly default: unknown;
  /** True when the setting must be written (only fields of map items, such as `integrations.<name>.uri`). */
  readonly required: boolean;
  /** True inside a map item: such a setting has no variable of its own; the map is set as a whole. */
  readonly inMap: boolean;
  readonly schema: JsonSchema;
}

/** A top-level section of the configuration (`listen`, `routes`, …) with its settings. */
export interface Section {
  readonly name: string;
  readonly description: string;
  readonly settings: readonly Setting[];
}

/** Placeholders naming the keys of maps in paths; a map not listed here gets `<key>`. */
const mapKeyNames: Readonly<Record<string, string>> = { routes: 'routeKey', integrations: 'name' };

let cachedRoot: JsonSchema | undefined;

/** The JSON Schema of what a user may write (`io: 'input'`: defaults make settings optional). */
export function configJsonSchema(): JsonSchema {
  cachedRoot ??= z.toJSONSchema(configSchema, { io: 'input' });
  return cachedRoot;
}

/** The kind of a schema node; throws on a shape this catalogue does not know, so it is never silently skipped. */
export function kindOf(node: JsonSchema, path = ''): SettingKind {
  if (node.enum !== undefined) return 'enum';
  switch (node.type) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return node.type;
    case 'array':
      return 'list';
    case 'object':
      return node.properties === undefined && isSchema(node.additionalProperties) ? 'map' : 'section';
    case 'null':
    case undefined:
    default:
      throw new Error(`config catalogue: unsupported schema at "${path}": ${JSON.stringify(node)}`);
  }
}

/** The schema of a map's items or a list's items; undefined for other kinds. */
export function itemSchema(node: JsonSchema): JsonSchema | undefined {
  if (isSchema(node.additionalProperties)) return node.additionalProperties;
  if (isSchema(node.items)) return node.items;
  return undefined;
}

/** The schema node at a concrete path (map keys are any string), or undefined when no setting lives there. */
export function schemaAt(segments: readonly string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = configJsonSchema();
  for (const segment of segments) {
    if (node === undefined) return undefined;
    const kind = kindOf(node);
    if (kind === 'section') {
      const properties: Record<string, unknown> = node.properties ?? {};
      const child: unknown = Object.hasOwn(properties, segment) ? properties[segment] : undefined;
      node = isSchema(child) ? child : undefined;
    } else if (kind === 'map') {
      node = itemSchema(node);
    } else {
      return undefined;
    }
  }
  return node;
}

/**
 * The keys that may be written in the object at `path`, a concrete path as a problem names it (map
 * items by key, list items by index); undefined when no object with known keys lives there.
 */
export function keysAt(path: readonly PropertyKey[]): readonly string[] | undefined {
  try {
    let node: JsonSchema | undefined = configJsonSchema();
    for (const segment of path) {
      if (node === undefined) return undefined;
      node = kindOf(node) === 'section' ? ownSchema(node.properties, String(segment)) : itemSchema(node);
    }
    return node !== undefined && kindOf(node) === 'section' ? Object.keys(node.properties ?? {}) : undefined;
  } catch {
    return undefined; // a shape the catalogue does not know: no keys to offer
  }
}

function ownSchema(properties: Record<string, unknown> | undefined, key: string): JsonSchema | undefined {
  const child = properties !== undefined && Object.hasOwn(properties, key) ? properties[key] : undefined;
  return isSchema(child) ? child : undefined;
}

let cachedSections: readonly Section[] | undefined;

/** Every top-level section with its settings, in schema order. */
export function configSections(): readonly Section[] {
  cachedSections ??= Object.entries(configJsonSchema().properties ?? {}).map(([name, node]) => {
    const schema = asSchema(node, name);
    const settings: Setting[] = [];
    collect(schema, [name], false, false, settings);
    return { name, description: schema.description ?? '', settings };
  });
  return cachedSections;
}

/** Every setting, section by section. */
export function configSettings(): readonly Setting[] {
  return configSections().flatMap((section) => section.settings);
}

function collect(
  node: JsonSchema,
  segments: readonly string[],
  required: boolean,
  inMap: boolean,
  out: Setting[],
): void {
  const path = segments.join('.');
  const kind = kindOf(node, path);
  if (kind === 'section') {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      collect(
        asSchema(child, `${path}.${key}`),
        [...segments, key],
        node.required?.includes(key) ?? false,
        inMap,
        out,
      );
    }
    return;
  }
  out.push({
    segments,
    path,
    kind,
    type: typeLabel(node, path),
    description: node.description ?? '',
    default: node.default,
    required,
    inMap,
    schema: node,
  });
  const item = itemSchema(node);
  if (kind === 'map' && item !== undefined && kindOf(item, path) === 'section') {
    const placeholder = `<${mapKeyNames[path] ?? 'key'}>`;
    collect(item, [...segments, placeholder], false, true, out);
  }
}

/** A short type for people, e.g. `integer 0–65535`, `string[]`, `map of objects`. */
function typeLabel(node: JsonSchema, path: string): string {
  const kind = kindOf(node, path);
  switch (kind) {
    case 'enum':
      return `one of ${(node.enum ?? []).map((value) => `\`${String(value)}\``).join(', ')}`;
    case 'integer':
    case 'number':
      return `${kind}${rangeLabel(node)}`;
    case 'string':
      return node.format === 'uri' ? 'URL' : 'string';
    case 'boolean':
      return 'boolean';
    case 'list': {
      const item = itemSchema(node);
      return item === undefined ? 'list' : `${typeLabel(item, path)}[]`;
    }
    case 'map': {
      const item = itemSchema(node);
      const itemKind = item === undefined ? 'value' : kindOf(item, path);
      return `map of ${itemKind === 'section' ? 'objects' : `${itemKind}s`}`;
    }
    case 'section':
      return 'object';
  }
}

function rangeLabel(node: JsonSchema): string {
  const min = node.minimum;
  const max = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
  if (min !== undefined && max !== undefined) return ` ${min}–${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asSchema(value: unknown, path: string): JsonSchema {
  if (!isSchema(value)) throw new Error(`config catalogue: unsupported schema at "${path}"`);
  return value;
}
