/**
 * Route selection expressions (`RouteSelectionExpression`), compiled once at startup.
 * Grammar: `$request.body.<path>`, the wrapped `${request.body.<path>}`, literal text, and `\$` for a
 * literal `$`. A missing path evaluates to "". The body is parsed only if the expression reads it.
 * A result longer than the longest key it could select is never built (see `stringifySelected`).
 * @see docs/protocol.md "Route selection"
 */
import { parseJsonPath, readJsonPath, stringifySelected, type PathStep } from './json-path.js';

type Part = { kind: 'literal'; text: string } | { kind: 'body'; steps: PathStep[] };

export interface RouteSelector {
  /** True when evaluating needs the parsed JSON body. */
  readonly readsBody: boolean;
  /**
   * Evaluates the expression against a parsed body. Pass `NOT_JSON` when the message is not JSON:
   * the caller then routes to `$default`. Undefined when the result would be longer than `maxChars`
   * (the longest key the caller could select), so that it selects nothing.
   */
  evaluate(body: unknown, maxChars?: number): string | undefined;
}

/**
 * Longest result built when the caller names no limit (template and model keys): longer selects
 * nothing. API Gateway's own keys are far shorter.
 */
export const MAX_SELECTION_CHARS = 4096;

const UNWRAPPED = /\$request\.body\.((?:[A-Za-z0-9_$-]+|\[\d+\]|\[['"][^'"]*['"]\])(?:\.[A-Za-z0-9_$-]+|\[\d+\]|\[['"][^'"]*['"]\])*)/y;
const WRAPPED = /\$\{request\.body\.([^}]+)\}/y;

/** Compiles `expression`; throws a TypeError saying what is wrong with it. */
export function compileRouteSelection(expression: string): RouteSelector {
  const parts: Part[] = [];
  let literal = '';
  let offset = 0;
  while (offset < expression.length) {
    const char = expression[offset];
    if (char === '\\' && expression[offset + 1] === '$') {
      literal += '$';
      offset += 2;
      continue;
    }
    if (char === '$') {
      WRAPPED.lastIndex = offset;
      UNWRAPPED.lastIndex = offset;
      const match = WRAPPED.exec(expression) ?? UNWRAPPED.exec(expression);
      if (match?.[1] !== undefined) {
        if (literal !== '') parts.push({ kind: 'literal', text: literal });
        literal = '';
        parts.push({ kind: 'body', steps: parseJsonPath(match[1]) });
        offset += match[0].length;
        continue;
      }
      if (expression.startsWith('${', offset) || expression.startsWith('$request', offset)) {
        throw new TypeError(`route selection expression "${expression}": cannot parse the variable at offset ${offset}`);
      }
    }
    literal += expression.charAt(offset);
    offset += 1;
  }
  if (literal !== '') parts.push({ kind: 'literal', text: literal });

  const readsBody = parts.some((part) => part.kind === 'body');
  const [only] = parts;
  if (parts.length === 1 && only?.kind === 'body') {
    const steps = only.steps;
    return { readsBody, evaluate: (body, maxChars = MAX_SELECTION_CHARS) => stringifySelected(readJsonPath(body, steps), maxChars) };
  }
  return {
    readsBody,
    evaluate(body, maxChars = MAX_SELECTION_CHARS) {
      let out = '';
      for (const part of parts) {
        const text = part.kind === 'literal' ? part.text : stringifySelected(readJsonPath(body, part.steps), maxChars - out.length);
        if (text === undefined || out.length + text.length > maxChars) return undefined;
        out += text;
      }
      return out;
    },
  };
}
