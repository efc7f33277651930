/**
 * Route selection expressions (`RouteSelectionExpression`), compiled once at startup.
 * Grammar: `$request.body.<path>`, the wrapped `${request.body.<path>}`, literal text, and `\$` for a
 * literal `$`. A missing path evaluates to "". The body is parsed only if the expression reads it.
 * @see docs/protocol.md "Route selection"
 */
import { parseJsonPath, readJsonPath, stringifySelected, type PathStep } from './json-path.js';

type Part = { kind: 'literal'; text: string } | { kind: 'body'; steps: PathStep[] };

export interface RouteSelector {
  /** True when evaluating needs the parsed JSON body. */
  readonly readsBody: boolean;
  /**
   * Evaluates the expression against a parsed body. Pass `NOT_JSON` when the message is not JSON:
   * the caller then routes to `$default`.
   */
  evaluate(body: unknown): string;
}

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
    return { readsBody, evaluate: (body) => stringifySelected(readJsonPath(body, steps)) };
  }
  return {
    readsBody,
    evaluate(body) {
      let out = '';
      for (const part of parts) out += part.kind === 'literal' ? part.text : stringifySelected(readJsonPath(body, part.steps));
      return out;
    },
  };
}
