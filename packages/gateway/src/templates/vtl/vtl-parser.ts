/**
 * Parses the Velocity (VTL) subset API Gateway mapping templates use into a small tree: text,
 * references (`$x.y`, `$!x`, `${x}`, method calls, `[index]`), `#set`, `#if`/`#elseif`/`#else`,
 * `#foreach`, comments (`##`, `#* *#`) and `\$` / `\#` escapes. A line holding only a directive is
 * dropped whole, as Velocity's "lines" whitespace mode does. Errors throw VtlSyntaxError with a line.
 */

export type Expr =
  | { readonly t: 'lit'; readonly value: unknown }
  | { readonly t: 'str'; readonly parts: readonly Node[] }
  | { readonly t: 'ref'; readonly ref: Ref }
  | { readonly t: 'list'; readonly items: readonly Expr[] }
  | { readonly t: 'range'; readonly from: Expr; readonly to: Expr }
  | { readonly t: 'map'; readonly entries: readonly (readonly [Expr, Expr])[] }
  | { readonly t: 'not'; readonly operand: Expr }
  | { readonly t: 'neg'; readonly operand: Expr }
  | { readonly t: 'bin'; readonly op: string; readonly left: Expr; readonly right: Expr };

export type RefPart =
  | { readonly kind: 'prop'; readonly name: string }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: 'index'; readonly index: Expr };

export interface Ref {
  readonly name: string;
  readonly parts: readonly RefPart[];
}

export type Node =
  | { readonly t: 'text'; readonly value: string }
  | { readonly t: 'ref'; readonly ref: Ref; readonly quiet: boolean; readonly source: string }
  | { readonly t: 'set'; readonly target: Ref; readonly value: Expr }
  | {
      readonly t: 'if';
      readonly branches: readonly { readonly cond: Expr; readonly body: readonly Node[] }[];
      readonly otherwise: readonly Node[];
    }
  | {
      readonly t: 'foreach';
      readonly variable: string;
      readonly iterable: Expr;
      readonly body: readonly Node[];
    }
  | { readonly t: 'break' };

export class VtlSyntaxError extends Error {
  override readonly name = 'VtlSyntaxError';
}

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_-]/;
const DIRECTIVE_LINE =
  /^[ \t]*#(?:set|if|elseif|foreach)\s*\(.*\)[ \t]*$|^[ \t]*#(?:else|end|break)\b[ \t]*$|^[ \t]*#\{(?:else|end)\}[ \t]*$/;

/** Parses a whole template. */
export function parseTemplate(source: string): Node[] {
  const parser = new Parser(gobbleDirectiveLines(source));
  const nodes = parser.block(new Set());
  if (!parser.done()) throw parser.error(`unexpected #${parser.peekDirective() ?? ''}`);
  return nodes;
}

/** Removes the line break after a line that holds only a directive, and that line's indentation. */
function gobbleDirectiveLines(source: string): string {
  const lines = source.split('\n');
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const last = i === lines.length - 1;
    // The empty comment keeps `#end` apart from the text that now follows it on the same line.
    if (DIRECTIVE_LINE.test(line.replace(/\r$/, ''))) out += `${line.trim()}#**#`;
    else out += last ? line : `${line}\n`;
  }
  return out;
}

class Parser {
  readonly #s: string;
  #i = 0;

  constructor(source: string) {
    this.#s = source;
  }

  done(): boolean {
    return this.#i >= this.#s.length;
  }

  error(message: string): VtlSyntaxError {
    const line = this.#s.slice(0, this.#i).split('\n').length;
    return new VtlSyntaxError(`line ${line}: ${message}`);
  }

  /** The directive name at the cursor (`#end` → `end`), without consuming it. */
  peekDirective(): string | undefined {
    const match =
      /^#\{?(set|if|elseif|else|end|foreach|break)\b\}?|^#\{?(set|if|elseif|else|end|foreach|break)(?=[^a-z])/.exec(
        this.#s.slice(this.#i, this.#i + 12) + ' ',
      );
    return match?.[1] ?? match?.[2];
  }

  /** Template nodes until EOF or one of `stops` (`end`, `else`, `elseif`), which is not consumed. */
  block(stops: ReadonlySet<string>): Node[] {
    const nodes: Node[] = [];
    let text = '';
    const flush = () => {
      if (text !== '') nodes.push({ t: 'text', value: text });
      text = '';
    };
    while (this.#i < this.#s.length) {
      const c = this.#s[this.#i] ?? '';
      if (c === '\\' && (this.#s[this.#i + 1] === '$' || this.#s[this.#i + 1] === '#')) {
        text += this.#s[this.#i + 1] ?? '';
        this.#i += 2;
        continue;
      }
      if (c === '#') {
        const next = this.#s[this.#i + 1];
        if (next === '#') {
          const end = this.#s.indexOf('\n', this.#i);
          this.#i = end === -1 ? this.#s.length : end + 1;
          continue;
        }
        if (next === '*') {
          const end = this.#s.indexOf('*#', this.#i + 2);
          if (end === -1) throw this.error('unterminated #* comment');
          this.#i = end + 2;
          continue;
        }
        const directive = this.peekDirective();
        if (directive !== undefined && stops.has(directive)) {
          flush();
          return nodes;
        }
        if (directive === 'set' || directive === 'if' || directive === 'foreach' || directive === 'break') {
          flush();
          nodes.push(this.#directive(directive));
          continue;
        }
        if (directive === 'end' || directive === 'else' || directive === 'elseif')
          throw this.error(`#${directive} without #if or #foreach`);
      }
      if (c === '$') {
        const start = this.#i;
        const ref = this.#tryTextReference();
        if (ref !== undefined) {
          flush();
          nodes.push({ ...ref, source: this.#s.slice(start, this.#i) });
          continue;
        }
      }
      text += c;
      this.#i++;
    }
    if (stops.size > 0) throw this.error('missing #end');
    flush();
    return nodes;
  }

  #skipDirectiveName(name: string): void {
    if (this.#s.startsWith(`#{${name}}`, this.#i)) this.#i += name.length + 3;
    else this.#i += name.length + 1;
  }

  #directive(name: 'set' | 'if' | 'foreach' | 'break'): Node {
    this.#skipDirectiveName(name);
    if (name === 'break') return { t: 'break' };
    this.#ws();
    this.#expect('(');
    if (name === 'set') {
      this.#ws();
      if (this.#s[this.#i] !== '$') throw this.error('#set needs a $reference on the left');
      this.#i++;
      if (this.#s[this.#i] === '{') throw this.error('#set needs a plain $reference on the left');
      const target = this.#ref();
      this.#ws();
      this.#expect('=');
      const value = this.expr();
      this.#ws();
      this.#expect(')');
      return { t: 'set', target, value };
    }
    if (name === 'foreach') {
      this.#ws();
      this.#expect('$');
      const variable = this.#ident();
      this.#ws();
      if (!this.#s.startsWith('in', this.#i)) throw this.error('#foreach needs "in"');
      this.#i += 2;
      const iterable = this.expr();
      this.#ws();
      this.#expect(')');
      const body = this.block(new Set(['end']));
      this.#skipDirectiveName('end');
      return { t: 'foreach', variable, iterable, body };
    }
    const branches: { cond: Expr; body: Node[] }[] = [];
    let cond = this.expr();
    this.#ws();
    this.#expect(')');
    let otherwise: Node[] = [];
    for (;;) {
      const body = this.block(new Set(['end', 'else', 'elseif']));
      branches.push({ cond, body });
      const directive = this.peekDirective();
      if (directive === 'elseif') {
        this.#skipDirectiveName('elseif');
        this.#ws();
        this.#expect('(');
        cond = this.expr();
        this.#ws();
        this.#expect(')');
        continue;
      }
      if (directive === 'else') {
        this.#skipDirectiveName('else');
        otherwise = this.block(new Set(['end']));
      }
      this.#skipDirectiveName('end');
      return { t: 'if', branches, otherwise };
    }
  }

  /** `$name…`, `$!name…`, `${name…}` or `$!{name…}` in text; undefined (cursor unchanged) when `$` is literal. */
  #tryTextReference(): { t: 'ref'; ref: Ref; quiet: boolean } | undefined {
    const start = this.#i;
    this.#i++;
    const quiet = this.#s[this.#i] === '!';
    if (quiet) this.#i++;
    const braced = this.#s[this.#i] === '{';
    if (braced) this.#i++;
    if (!IDENT_START.test(this.#s[this.#i] ?? '')) {
      this.#i = start;
      return undefined;
    }
    const ref = this.#ref();
    if (braced) this.#expect('}');
    return { t: 'ref', ref, quiet };
  }

  /** A reference after its `$`: name, then `.prop`, `.method(args)` and `[index]` parts. */
  #ref(): Ref {
    const name = this.#ident();
    const parts: RefPart[] = [];
    for (;;) {
      const c = this.#s[this.#i];
      if (c === '.' && IDENT_START.test(this.#s[this.#i + 1] ?? '')) {
        this.#i++;
        const member = this.#ident();
        if (this.#s[this.#i] === '(') {
          this.#i++;
          parts.push({ kind: 'call', name: member, args: this.#args(')') });
        } else {
          parts.push({ kind: 'prop', name: member });
        }
        continue;
      }
      if (c === '[') {
        this.#i++;
        const index = this.expr();
        this.#ws();
        this.#expect(']');
        parts.push({ kind: 'index', index });
        continue;
      }
      return { name, parts };
    }
  }

  #args(close: string): Expr[] {
    const args: Expr[] = [];
    this.#ws();
    if (this.#s[this.#i] === close) {
      this.#i++;
      return args;
    }
    for (;;) {
      args.push(this.expr());
      this.#ws();
      const c = this.#s[this.#i];
      this.#i++;
      if (c === close) return args;
      if (c !== ',') throw this.error(`expected , or ${close}`);
    }
  }

  #ident(): string {
    const start = this.#i;
    if (!IDENT_START.test(this.#s[this.#i] ?? '')) throw this.error('expected a name');
    while (IDENT.test(this.#s[this.#i] ?? '')) this.#i++;
    // A trailing '-' belongs to the text (`$a-` renders a, then -).
    while (this.#s[this.#i - 1] === '-') this.#i--;
    return this.#s.slice(start, this.#i);
  }

  #ws(): void {
    while (/\s/.test(this.#s[this.#i] ?? '')) this.#i++;
  }

  #expect(c: string): void {
    if (this.#s[this.#i] !== c) throw this.error(`expected "${c}"`);
    this.#i++;
  }

  // Expressions, lowest precedence first: || and && then comparisons, + -, * / %, unary.
  expr(): Expr {
    return this.#binary(0);
  }

  static readonly LEVELS: readonly (readonly string[])[] = [
    ['||', 'or'],
    ['&&', 'and'],
    ['==', '!=', 'eq', 'ne'],
    ['<=', '>=', '<', '>', 'le', 'ge', 'lt', 'gt'],
    ['+', '-'],
    ['*', '/', '%'],
  ];

  #binary(level: number): Expr {
    if (level >= Parser.LEVELS.length) return this.#unary();
    let left = this.#binary(level + 1);
    for (;;) {
      this.#ws();
      const op = (Parser.LEVELS[level] ?? []).find(
        (candidate) =>
          this.#s.startsWith(candidate, this.#i) &&
          (!/[a-z]/.test(candidate) || !IDENT.test(this.#s[this.#i + candidate.length] ?? '')),
      );
      if (op === undefined) return left;
      this.#i += op.length;
      const right = this.#binary(level + 1);
      left = { t: 'bin', op: WORD_OPS[op] ?? op, left, right };
    }
  }

  #unary(): Expr {
    this.#ws();
    if (this.#s[this.#i] === '!' && this.#s[this.#i + 1] !== '=') {
      this.#i++;
      return { t: 'not', operand: this.#unary() };
    }
    if (this.#s.startsWith('not', this.#i) && !IDENT.test(this.#s[this.#i + 3] ?? '')) {
      this.#i += 3;
      return { t: 'not', operand: this.#unary() };
    }
    if (this.#s[this.#i] === '-' && !/\d/.test(this.#s[this.#i + 1] ?? '')) {
      this.#i++;
      return { t: 'neg', operand: this.#unary() };
    }
    return this.#primary();
  }

  #primary(): Expr {
    this.#ws();
    const c = this.#s[this.#i] ?? '';
    if (c === '(') {
      this.#i++;
      const inner = this.expr();
      this.#ws();
      this.#expect(')');
      return inner;
    }
    if (c === '$') {
      this.#i++;
      if (this.#s[this.#i] === '!') this.#i++;
      const braced = this.#s[this.#i] === '{';
      if (braced) this.#i++;
      const ref = this.#ref();
      if (braced) this.#expect('}');
      return { t: 'ref', ref };
    }
    if (c === '"' || c === "'") return this.#string(c);
    if (c === '[') {
      this.#i++;
      this.#ws();
      if (this.#s[this.#i] === ']') {
        this.#i++;
        return { t: 'list', items: [] };
      }
      const first = this.expr();
      this.#ws();
      if (this.#s.startsWith('..', this.#i)) {
        this.#i += 2;
        const to = this.expr();
        this.#ws();
        this.#expect(']');
        return { t: 'range', from: first, to };
      }
      if (this.#s[this.#i] === ']') {
        this.#i++;
        return { t: 'list', items: [first] };
      }
      this.#expect(',');
      return { t: 'list', items: [first, ...this.#args(']')] };
    }
    if (c === '{') {
      this.#i++;
      const entries: [Expr, Expr][] = [];
      this.#ws();
      if (this.#s[this.#i] === '}') {
        this.#i++;
        return { t: 'map', entries };
      }
      for (;;) {
        const key = this.expr();
        this.#ws();
        this.#expect(':');
        entries.push([key, this.expr()]);
        this.#ws();
        const next = this.#s[this.#i];
        this.#i++;
        if (next === '}') return { t: 'map', entries };
        if (next !== ',') throw this.error('expected , or } in a map');
      }
    }
    const number = /^-?\d+(\.\d+)?/.exec(this.#s.slice(this.#i, this.#i + 40));
    if (number !== null) {
      this.#i += number[0].length;
      return { t: 'lit', value: Number(number[0]) };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.#s.startsWith(word, this.#i) && !IDENT.test(this.#s[this.#i + word.length] ?? '')) {
        this.#i += word.length;
        return { t: 'lit', value };
      }
    }
    throw this.error(`unexpected "${c}" in an expression`);
  }

  /** A string literal: double quotes interpolate references, single quotes do not. */
  #string(quote: string): Expr {
    this.#i++;
    let raw = '';
    while (this.#i < this.#s.length && this.#s[this.#i] !== quote) {
      raw += this.#s[this.#i] ?? '';
      this.#i++;
    }
    if (this.#i >= this.#s.length) throw this.error('unterminated string');
    this.#i++;
    if (quote === "'" || !raw.includes('$')) return { t: 'lit', value: raw };
    return { t: 'str', parts: new Parser(raw).block(new Set()) };
  }
}

const WORD_OPS: Readonly<Record<string, string>> = {
  or: '||',
  and: '&&',
  eq: '==',
  ne: '!=',
  le: '<=',
  ge: '>=',
  lt: '<',
  gt: '>',
};
