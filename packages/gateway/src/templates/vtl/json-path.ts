/**
 * The JSONPath subset `$input.path()` and `$input.json()` evaluate (API Gateway uses Jayway
 * JsonPath): `$`, `.name`, `['name']`, `[index]` (negative counts from the end), `[*]`, `.*` and
 * `..name`. A path with a wildcard or deep scan yields a list; a missing step yields undefined.
 * Evaluation and the result's size are budgeted (JsonPathBudget) before any text is built.
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

/**
 * The work one render's `$input.path()` / `$input.json()` calls may do, shared by all of them: values
 * visited while evaluating (a deep scan visits every value below it; chained scans over nested
 * matches multiply) and while measuring results, and the size and depth of one result. A result is
 * measured before any text or copy of it is made, so a crafted body (deeply nested, or wide, or a
 * scan whose matches contain each other) costs at most the budget, never its own size squared.
 */
export interface JsonPathBudget {
  /** Values the render's evaluations may still visit. */
  nodesLeft: number;
  /** Values visited so far (what a test measures). */
  nodesVisited: number;
  /** Longest JSON text of one result, in characters (estimated from its values before it is built). */
  readonly maxResultChars: number;
  /** Deepest nesting of one result: deeper text would overflow the stack of JSON.stringify. */
  readonly maxResultDepth: number;
}

export interface JsonPathLimits {
  /** Values all of a render's JSONPath evaluations may visit. @default 200000 */
  readonly maxNodes?: number;
  /** Longest JSON text of one result. @default 1048576 */
  readonly maxResultChars?: number;
  /** Deepest nesting of one result. @default 1000 */
  readonly maxResultDepth?: number;
}

export function jsonPathBudget(limits: JsonPathLimits = {}): JsonPathBudget {
  const maxNodes = limits.maxNodes ?? 200_000;
  return { nodesLeft: maxNodes, nodesVisited: 0, maxResultChars: limits.maxResultChars ?? 1_048_576, maxResultDepth: limits.maxResultDepth ?? 1000 };
}

/** Thrown when an evaluation passes its budget; the render fails with it (an integration error). */
export class JsonPathBudgetError extends Error {
  override readonly name = 'JsonPathBudgetError';
}

/** Counts one visited value against the budget. */
function visit(budget: JsonPathBudget, path: string): void {
  budget.nodesVisited++;
  if (--budget.nodesLeft < 0) throw new JsonPathBudgetError(`JSONPath "${path}" visited more values than the render's budget allows`);
}

/**
 * Evaluates `path` on `root` within `budget`, then measures the result (throws JsonPathBudgetError
 * when it is too large or deep), so that the caller may turn it into text or copy it.
 */
export function evaluateJsonPath(root: unknown, path: string, budget: JsonPathBudget = jsonPathBudget()): unknown {
  const steps = compileJsonPath(path);
  let values: unknown[] = [root];
  let many = false;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of values) {
      visit(budget, path);
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
          collect(value, step.name, next, budget, path);
          break;
      }
    }
    values = next;
  }
  const result = many ? values : values[0];
  measure(result, budget, path);
  return result;
}

/**
 * `..name`: every value named `name` at or below `value`, in document order (Jayway's). A loop with
 * its own stack, not recursion: a client's nesting must not reach the call stack.
 */
function collect(value: unknown, name: string, into: unknown[], budget: JsonPathBudget, path: string): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    visit(budget, path); // every value pushed is paid for, so the work stays within the budget
    if (current === null || typeof current !== 'object') continue;
    if (!Array.isArray(current) && Object.hasOwn(current, name)) into.push((current as Record<string, unknown>)[name]);
    const children = Object.values(current);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

/**
 * Walks a result before it is turned into text: counts its values against the budget and estimates
 * its JSON length (strings and keys by their length, escapes left out; other scalars as 5
 * characters), stopping as soon as either is passed.
 * Values shared by several matches (a scan whose matches nest) are counted each time they appear,
 * as their text would be.
 */
function measure(result: unknown, budget: JsonPathBudget, path: string): void {
  let chars = 0;
  const stack: [unknown, number][] = [[result, 0]];
  while (stack.length > 0) {
    const entry = stack.pop();
    if (entry === undefined) break;
    const [value, depth] = entry;
    visit(budget, path);
    if (typeof value === 'string') chars += value.length + 2;
    else if (value === null || typeof value !== 'object') chars += 5;
    else {
      if (depth >= budget.maxResultDepth) throw new JsonPathBudgetError(`JSONPath "${path}": the result nests deeper than ${budget.maxResultDepth} levels`);
      chars += 2;
      if (Array.isArray(value)) {
        for (const item of value as unknown[]) {
          chars += 1;
          stack.push([item, depth + 1]);
        }
      } else {
        for (const [key, item] of Object.entries(value)) {
          chars += key.length + 4;
          stack.push([item, depth + 1]);
        }
      }
    }
    if (chars > budget.maxResultChars) throw new JsonPathBudgetError(`JSONPath "${path}": the result is longer than ${budget.maxResultChars} characters`);
  }
}
