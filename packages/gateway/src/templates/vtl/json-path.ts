/**
 * The JSONPath subset `$input.path()` and `$input.json()` evaluate (API Gateway uses Jayway
 * JsonPath): `$`, `.name`, `['name']`, `[index]` (negative counts from the end), `[*]`, `.*` and
 * `..name`. A path with a wildcard or deep scan yields a list; a missing step yields undefined.
 */

type Step =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'deep'; readonly name: string };

const cache = new Map<string, Step[]>();

/** Parses a path such as `$.pets[0].name`; throws a TypeError naming the path when it cannot. */
export function compileJsonPath(path: string): Step[] {
  const cached = cache.get(path);
  if (cached !== undefined) return cached;
  const source = path.trim();
  if (!source.startsWith('$')) throw new TypeError(`JSONPath "${path}" must start with $`);
  const steps: Step[] = [];
  let i = 1;
  const fail = () => new TypeError(`cannot parse JSONPath "${path}" at offset ${i}`);
  while (i < source.length) {
    if (source.startsWith('..', i)) {
      const match = /^\.\.([A-Za-z0-9_$@-]+)/.exec(source.slice(i));
      if (match === null) throw fail();
      steps.push({ kind: 'deep', name: match[1] ?? '' });
      i += match[0].length;
    } else if (source.startsWith('.*', i) || source.startsWith('[*]', i)) {
      steps.push({ kind: 'wildcard' });
      i += source[i] === '.' ? 2 : 3;
    } else if (source[i] === '.') {
      const match = /^\.([A-Za-z0-9_$@-]+)/.exec(source.slice(i));
      if (match === null) throw fail();
      steps.push({ kind: 'name', name: match[1] ?? '' });
      i += match[0].length;
    } else if (source[i] === '[') {
      const match = /^\[\s*(?:'([^']*)'|"([^"]*)"|(-?\d+))\s*\]/.exec(source.slice(i));
      if (match === null) throw fail();
      if (match[3] !== undefined) steps.push({ kind: 'index', index: Number(match[3]) });
      else steps.push({ kind: 'name', name: match[1] ?? match[2] ?? '' });
      i += match[0].length;
    } else {
      throw fail();
    }
  }
  if (cache.size < 1000) cache.set(path, steps);
  return steps;
}

/** Evaluates `path` on `root`. */
export function evaluateJsonPath(root: unknown, path: string): unknown {
  const steps = compileJsonPath(path);
  let values: unknown[] = [root];
  let many = false;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of values) {
      switch (step.kind) {
        case 'name':
          if (
            value !== null &&
            typeof value === 'object' &&
            !Array.isArray(value) &&
            Object.hasOwn(value, step.name)
          )
            next.push((value as Record<string, unknown>)[step.name]);
          break;
        case 'index':
          if (Array.isArray(value)) {
            const item: unknown = value[step.index < 0 ? value.length + step.index : step.index];
            if (item !== undefined) next.push(item);
          }
          break;
        case 'wildcard':
          many = true;
          if (Array.isArray(value)) for (const item of value as unknown[]) next.push(item);
          else if (value !== null && typeof value === 'object')
            for (const item of Object.values(value as Record<string, unknown>)) next.push(item);
          break;
        case 'deep':
          many = true;
          collect(value, step.name, next);
          break;
      }
    }
    values = next;
  }
  return many ? values : values[0];
}

function collect(value: unknown, name: string, into: unknown[]): void {
  if (value === null || typeof value !== 'object') return;
  if (!Array.isArray(value) && Object.hasOwn(value, name))
    into.push((value as Record<string, unknown>)[name]);
  for (const child of Object.values(value)) collect(child, name, into);
}
