/**
 * Renders a parsed VTL template against a set of variables. Values are plain JS values; functions
 * stand for methods (`$util.urlEncode(...)`), and strings, lists and maps answer the Java methods
 * templates commonly call (`size()`, `get()`, `keySet()`, `contains()`, …). Null references render
 * as "" (API Gateway's practice for missing `$context` / `$input.path` values); `#foreach` stops
 * with an error past `maxIterations` (1000, AWS's limit). Budgets per render stop loop and string
 * bombs (nested `#foreach`, a `#set` that doubles a string): `maxTotalIterations` over all loops, and
 * `maxOutputChars` for the output, for any one string, and (8 times over) for all text rendered.
 */
import { parseTemplate, type Expr, type Node, type Ref } from './vtl-parser.js';

export class VtlRenderError extends Error {
  override readonly name = 'VtlRenderError';
}

export interface RenderOptions {
  /** Most iterations of one `#foreach`. @default 1000 */
  readonly maxIterations?: number;
  /** Most `#foreach` iterations of one render, all loops together (nested loops multiply). @default 10000 */
  readonly maxTotalIterations?: number;
  /** Longest output and longest string built while rendering; all text rendered may total 8 times this. @default 1048576 */
  readonly maxOutputChars?: number;
}

/** A compiled template: parse once, render many times. */
export class VtlTemplate {
  readonly #nodes: readonly Node[];

  /** Throws VtlSyntaxError for a template that does not parse. */
  constructor(source: string) {
    this.#nodes = parseTemplate(source);
  }

  /** Renders with `variables` (`context`, `input`, `util`, …, without `$`); throws VtlRenderError. */
  render(variables: Readonly<Record<string, unknown>>, options: RenderOptions = {}): string {
    const scope = new Map<string, unknown>(Object.entries(variables));
    const out: string[] = [];
    const maxChars = options.maxOutputChars ?? 1_048_576;
    const state: State = { maxIterations: options.maxIterations ?? 1000, iterationsLeft: options.maxTotalIterations ?? 10_000, maxChars, charsLeft: 8 * maxChars };
    try {
      renderNodes(this.#nodes, scope, out, state);
    } catch (error) {
      if (error instanceof BreakSignal) return out.join('');
      throw error;
    }
    const output = out.join('');
    if (output.length > maxChars) throw new VtlRenderError(`the output has ${output.length} characters: at most ${maxChars} are allowed`);
    return output;
  }
}

/** Thrown by `#break` and caught by the enclosing `#foreach` (or the template). */
class BreakSignal extends Error {}

interface State {
  readonly maxIterations: number;
  /** Iterations left in this render's budget. */
  iterationsLeft: number;
  readonly maxChars: number;
  /** Characters left in this render's budget of text produced. */
  charsLeft: number;
}

/** Counts `text` against the render's character budget. */
function spend(state: State, text: string): string {
  state.charsLeft -= text.length;
  if (state.charsLeft < 0 || text.length > state.maxChars) throw new VtlRenderError(`the template produced more than its budget of ${state.maxChars} characters`);
  return text;
}

function renderNodes(nodes: readonly Node[], scope: Map<string, unknown>, out: string[], state: State): void {
  for (const node of nodes) {
    switch (node.t) {
      case 'text':
        out.push(spend(state, node.value));
        break;
      case 'ref': {
        const value = resolve(node.ref, scope, state);
        out.push(value === undefined || value === null ? '' : spend(state, display(value)));
        break;
      }
      case 'set':
        assign(node.target, evaluate(node.value, scope, state), scope, state);
        break;
      case 'if': {
        const branch = node.branches.find((candidate) => truthy(evaluate(candidate.cond, scope, state)));
        renderNodes(branch?.body ?? node.otherwise, scope, out, state);
        break;
      }
      case 'foreach':
        renderForeach(node, scope, out, state);
        break;
      case 'break':
        throw new BreakSignal('#break');
    }
  }
}

function renderForeach(
  node: Extract<Node, { t: 'foreach' }>,
  scope: Map<string, unknown>,
  out: string[],
  state: State,
): void {
  const iterable = evaluate(node.iterable, scope, state);
  const items =
    iterable === null || iterable === undefined
      ? []
      : Array.isArray(iterable)
        ? iterable
        : isMap(iterable)
          ? Object.values(iterable)
          : [iterable];
  if (items.length > state.maxIterations)
    throw new VtlRenderError(
      `#foreach over ${items.length} items: at most ${state.maxIterations} iterations are allowed`,
    );
  const saved = scope.get(node.variable);
  const savedForeach = scope.get('foreach');
  try {
    for (let i = 0; i < items.length; i++) {
      if (--state.iterationsLeft < 0) throw new VtlRenderError('the template ran more #foreach iterations than its budget of maxTotalIterations');
      scope.set(node.variable, items[i]);
      scope.set('foreach', {
        index: i,
        count: i + 1,
        hasNext: i < items.length - 1,
        first: i === 0,
        last: i === items.length - 1,
      });
      scope.set('velocityCount', i + 1);
      try {
        renderNodes(node.body, scope, out, state);
      } catch (error) {
        if (error instanceof BreakSignal) break;
        throw error;
      }
    }
  } finally {
    scope.set(node.variable, saved);
    scope.set('foreach', savedForeach);
  }
}

function assign(target: Ref, value: unknown, scope: Map<string, unknown>, state: State): void {
  if (target.parts.length === 0) {
    scope.set(target.name, value);
    return;
  }
  const owner = resolve({ name: target.name, parts: target.parts.slice(0, -1) }, scope, state);
  const last = target.parts[target.parts.length - 1];
  if (last?.kind === 'prop' && isMap(owner)) owner[last.name] = value;
  else if (last?.kind === 'index' && (isMap(owner) || Array.isArray(owner)))
    (owner as Record<string, unknown>)[String(evaluate(last.index, scope, state))] = value;
  else throw new VtlRenderError(`#set: cannot assign to $${target.name}`);
}

function resolve(ref: Ref, scope: Map<string, unknown>, state: State): unknown {
  let value: unknown = scope.get(ref.name);
  for (const part of ref.parts) {
    if (value === undefined || value === null) return undefined;
    if (part.kind === 'prop') value = property(value, part.name);
    else if (part.kind === 'index') value = property(value, evaluate(part.index, scope, state));
    else
      value = call(
        value,
        part.name,
        part.args.map((arg) => evaluate(arg, scope, state)),
      );
  }
  return value;
}

function property(owner: unknown, key: unknown): unknown {
  if (Array.isArray(owner))
    return typeof key === 'number' ? owner[key] : key === 'size' ? owner.length : undefined;
  if (isMap(owner)) {
    const name = String(key);
    return Object.hasOwn(owner, name) ? owner[name] : undefined;
  }
  if (typeof owner === 'string' && key === 'length') return owner.length;
  return undefined;
}

/** A method call: a function-valued member, or a Java method of strings, lists and maps. */
function call(owner: unknown, name: string, args: unknown[]): unknown {
  if (isMap(owner) && typeof owner[name] === 'function')
    return (owner[name] as (...a: unknown[]) => unknown)(...args);
  const method = javaMethod(owner, name, args);
  if (method.found) return method.value;
  throw new VtlRenderError(`unknown method ${name}() on ${describeType(owner)}`);
}

function javaMethod(owner: unknown, name: string, args: unknown[]): { found: boolean; value?: unknown } {
  const [a, b] = args;
  if (typeof owner === 'string') {
    switch (name) {
      case 'length':
        return { found: true, value: owner.length };
      case 'isEmpty':
        return { found: true, value: owner.length === 0 };
      case 'toString':
        return { found: true, value: owner };
      case 'toLowerCase':
        return { found: true, value: owner.toLowerCase() };
      case 'toUpperCase':
        return { found: true, value: owner.toUpperCase() };
      case 'trim':
        return { found: true, value: owner.trim() };
      case 'contains':
        return { found: true, value: owner.includes(String(a)) };
      case 'startsWith':
        return { found: true, value: owner.startsWith(String(a)) };
      case 'endsWith':
        return { found: true, value: owner.endsWith(String(a)) };
      case 'equals':
        return { found: true, value: owner === a };
      case 'indexOf':
        return { found: true, value: owner.indexOf(String(a)) };
      case 'substring':
        return { found: true, value: owner.substring(Number(a), b === undefined ? undefined : Number(b)) };
      case 'replace':
        return { found: true, value: owner.split(String(a)).join(String(b)) };
      case 'replaceAll':
        return {
          found: true,
          value: owner.replace(new RegExp(String(a), 'g'), String(b).replace(/\$(\d)/g, '$$$1')),
        };
      case 'matches':
        return { found: true, value: new RegExp(`^(?:${String(a)})$`).test(owner) };
      case 'split':
        return { found: true, value: owner.split(new RegExp(String(a))) };
      case 'charAt':
        return { found: true, value: owner.charAt(Number(a)) };
    }
  }
  if (Array.isArray(owner)) {
    switch (name) {
      case 'size':
        return { found: true, value: owner.length };
      case 'isEmpty':
        return { found: true, value: owner.length === 0 };
      case 'get':
        return { found: true, value: owner[Number(a)] };
      case 'contains':
        return { found: true, value: owner.includes(a) };
      case 'add':
        owner.push(a);
        return { found: true, value: true };
      case 'indexOf':
        return { found: true, value: owner.indexOf(a) };
    }
  }
  if (isMap(owner)) {
    switch (name) {
      case 'get':
        return { found: true, value: property(owner, a) };
      case 'put': {
        const previous = property(owner, a);
        owner[String(a)] = b;
        return { found: true, value: previous };
      }
      case 'containsKey':
        return { found: true, value: Object.hasOwn(owner, String(a)) };
      case 'keySet':
        return { found: true, value: Object.keys(owner) };
      case 'values':
        return { found: true, value: Object.values(owner) };
      case 'entrySet':
        return { found: true, value: Object.entries(owner).map(([key, value]) => ({ key, value })) };
      case 'size':
        return { found: true, value: Object.keys(owner).length };
      case 'isEmpty':
        return { found: true, value: Object.keys(owner).length === 0 };
      case 'remove': {
        const previous = property(owner, a);
        Reflect.deleteProperty(owner, String(a));
        return { found: true, value: previous };
      }
    }
  }
  if ((typeof owner === 'number' || typeof owner === 'boolean') && name === 'toString')
    return { found: true, value: String(owner) };
  return { found: false };
}

function evaluate(expr: Expr, scope: Map<string, unknown>, state: State): unknown {
  switch (expr.t) {
    case 'lit':
      return expr.value;
    case 'str': {
      const out: string[] = [];
      renderNodes(expr.parts, scope, out, state);
      const text = out.join('');
      if (text.length > state.maxChars) throw new VtlRenderError(`a string of ${text.length} characters: at most ${state.maxChars} are allowed`);
      return text;
    }
    case 'ref':
      return resolve(expr.ref, scope, state);
    case 'list':
      return expr.items.map((item) => evaluate(item, scope, state));
    case 'range': {
      const from = Number(evaluate(expr.from, scope, state));
      const to = Number(evaluate(expr.to, scope, state));
      const step = from <= to ? 1 : -1;
      const length = Math.abs(to - from) + 1;
      if (!Number.isInteger(from) || !Number.isInteger(to) || length > 100_000)
        throw new VtlRenderError('a range needs integer bounds at most 100000 apart');
      return Array.from({ length }, (_, i) => from + i * step);
    }
    case 'map': {
      const map: Record<string, unknown> = {};
      for (const [key, value] of expr.entries)
        map[String(evaluate(key, scope, state))] = evaluate(value, scope, state);
      return map;
    }
    case 'not':
      return !truthy(evaluate(expr.operand, scope, state));
    case 'neg':
      return -Number(evaluate(expr.operand, scope, state));
    case 'bin':
      return binary(expr.op, expr.left, expr.right, scope, state);
  }
}

function binary(
  op: string,
  leftExpr: Expr,
  rightExpr: Expr,
  scope: Map<string, unknown>,
  state: State,
): unknown {
  const left = evaluate(leftExpr, scope, state);
  if (op === '&&') return truthy(left) && truthy(evaluate(rightExpr, scope, state));
  if (op === '||') return truthy(left) || truthy(evaluate(rightExpr, scope, state));
  const right = evaluate(rightExpr, scope, state);
  switch (op) {
    case '==':
      return equal(left, right);
    case '!=':
      return !equal(left, right);
    case '<':
      return compare(left, right) < 0;
    case '>':
      return compare(left, right) > 0;
    case '<=':
      return compare(left, right) <= 0;
    case '>=':
      return compare(left, right) >= 0;
    case '+':
      return typeof left === 'number' && typeof right === 'number'
        ? left + right
        : display(left ?? '') + display(right ?? '');
    case '-':
      return Number(left) - Number(right);
    case '*':
      return Number(left) * Number(right);
    case '/': {
      const quotient = Number(left) / Number(right);
      return Number.isInteger(left) && Number.isInteger(right) ? Math.trunc(quotient) : quotient;
    }
    case '%':
      return Number(left) % Number(right);
    default:
      throw new VtlRenderError(`unknown operator ${op}`);
  }
}

/** Velocity equality: numbers by value, otherwise string forms compared when the types differ. */
function equal(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (left === null || left === undefined || right === null || right === undefined)
    return (left ?? null) === (right ?? null);
  if (typeof left === 'number' && typeof right === 'number') return left === right;
  return display(left) === display(right);
}

function compare(left: unknown, right: unknown): number {
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  return Number(left) - Number(right);
}

function truthy(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return isMap(value) ? 'a map' : `a ${typeof value}`;
}

/** How a value prints: strings as they are, lists `[a, b]` and maps `{k=v}` as Java prints them. */
export function display(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value))
    return `[${value.map((item) => (item === null ? 'null' : display(item))).join(', ')}]`;
  if (typeof value === 'function') return '';
  if (typeof value === 'object') {
    const printable = (value as { toString?: unknown }).toString;
    if (typeof printable === 'function' && printable !== Object.prototype.toString)
      return String(printable.call(value));
    return `{${Object.entries(value)
      .filter(([, v]) => typeof v !== 'function')
      .map(([k, v]) => `${k}=${v === null ? 'null' : display(v)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return '';
}
