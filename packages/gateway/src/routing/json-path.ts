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

/**
 * Stringifies a selected value the way API Gateway does: strings as they are, arrays as
 * `[a, b]`, objects as `{k=v}`, missing values as the empty string.
 */
export function stringifySelected(value: unknown, depth = 0): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  // A client controls the nesting (128 KB of `[` is 131,072 levels): stop before the stack does.
  if (typeof value === 'object' && depth >= MAX_STRINGIFY_DEPTH) return '…';
  if (Array.isArray(value)) return `[${value.map((item) => stringifySelected(item, depth + 1)).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${stringifySelected(v, depth + 1)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return '';
}
