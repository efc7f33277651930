/**
 * The JSONPath subset API Gateway accepts after `$request.body.` and `route.request.body.`:
 * dotted names and `[index]` / `['name']` steps. Compiled once into an array of steps.
 */

export type PathStep = string | number;

const STEP = /\.?([A-Za-z0-9_$-]+)|\[(\d+)\]|\[['"]([^'"]*)['"]\]/y;

/** Parses `a.b[0]['c d']` into steps; throws a TypeError naming the expression when it cannot. */
export function parseJsonPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  STEP.lastIndex = 0;
  let offset = 0;
  const source = path.startsWith('$.') ? path.slice(2) : path;
  while (offset < source.length) {
    STEP.lastIndex = offset;
    const match = STEP.exec(source);
    if (match === null) throw new TypeError(`cannot parse JSON path "${path}" at offset ${offset}`);
    const [, name, index, quoted] = match;
    steps.push(index !== undefined ? Number(index) : (name ?? quoted ?? ''));
    offset = STEP.lastIndex;
  }
  return steps;
}

/** Follows `steps` into `value`; undefined when any step is missing. */
export function readJsonPath(value: unknown, steps: readonly PathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    // Own properties only: `constructor` or `__proto__` must not reach Object.prototype.
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, step)) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/** Nesting depth past which a selected value is written as `…`: deep enough for any route key. */
const MAX_STRINGIFY_DEPTH = 64;

/** Counts the values a stringification visited, for callers that want to see the work done. */
export interface VisitCount {
  nodes: number;
}

/**
 * Stringifies a selected value the way API Gateway does: strings as they are, arrays as
 * `[a, b]`, objects as `{k=v}`, missing values as the empty string. Returns undefined, having
 * visited only about `maxChars` values, as soon as the text would pass `maxChars` characters: a key
 * longer than any route key selects nothing, so a wide or deep value selected by a crafted message
 * costs no more than the longest key, and no text of its size is ever built.
 */
export function stringifySelected(value: unknown, maxChars = Number.POSITIVE_INFINITY, visits?: VisitCount): string | undefined {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.length > maxChars ? undefined : value;
  const writer: Writer = { parts: [], chars: 0, maxChars, nodes: 0 };
  const complete = write(value, 0, writer);
  if (visits !== undefined) visits.nodes += writer.nodes;
  return complete ? writer.parts.join('') : undefined;
}

interface Writer {
  readonly parts: string[];
  chars: number;
  readonly maxChars: number;
  nodes: number;
}

/** Appends `text`; false once the output would pass the budget. */
function put(writer: Writer, text: string): boolean {
  writer.chars += text.length;
  if (writer.chars > writer.maxChars) return false;
  writer.parts.push(text);
  return true;
}

/** Writes one value; false as soon as the budget is passed (the rest is never visited). */
function write(value: unknown, depth: number, writer: Writer): boolean {
  writer.nodes++;
  if (value === undefined) return true;
  if (typeof value === 'string') return put(writer, value);
  if (value === null) return put(writer, 'null');
  if (typeof value === 'object') {
    // A client controls the nesting (128 KB of `[` is 131,072 levels): stop before the stack does.
    if (depth >= MAX_STRINGIFY_DEPTH) return put(writer, '…');
    if (Array.isArray(value)) {
      if (!put(writer, '[')) return false;
      for (let i = 0; i < value.length; i++) {
        if (i > 0 && !put(writer, ', ')) return false;
        if (!write(value[i], depth + 1, writer)) return false;
      }
      return put(writer, ']');
    }
    if (!put(writer, '{')) return false;
    let first = true;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (!first && !put(writer, ', ')) return false;
      first = false;
      if (!put(writer, `${key}=`) || !write((value as Record<string, unknown>)[key], depth + 1, writer)) return false;
    }
    return put(writer, '}');
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return put(writer, String(value));
  return true;
}
