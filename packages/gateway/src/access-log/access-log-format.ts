/**
 * AWS `AccessLogSettings.Format`: text with `$context.a.b` or `${context.a.b}` references, compiled
 * once into literal and variable parts and rendered per event. Unknown or empty values print `-`,
 * as API Gateway does.
 */

export type VariableResolver = (name: string) => string | undefined;

type Part = { readonly literal: string } | { readonly variable: string };

const REFERENCE = /\$\{context\.([A-Za-z0-9_.-]+)\}|\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_-]+)*)/g;

export class AccessLogFormat {
  readonly #parts: readonly Part[];

  constructor(format: string) {
    const parts: Part[] = [];
    let last = 0;
    for (const match of format.matchAll(REFERENCE)) {
      if (match.index > last) parts.push({ literal: format.slice(last, match.index) });
      parts.push({ variable: match[1] ?? match[2] ?? '' });
      last = match.index + match[0].length;
    }
    if (last < format.length) parts.push({ literal: format.slice(last) });
    this.#parts = parts;
  }

  /** The `$context` names the format uses. */
  get variables(): string[] {
    return this.#parts.flatMap((part) => ('variable' in part ? [part.variable] : []));
  }

  /** One rendered line (without the newline). Values are inserted raw, as AWS does. */
  render(resolve: VariableResolver): string {
    let line = '';
    for (const part of this.#parts) {
      if ('literal' in part) line += part.literal;
      else {
        const value = resolve(part.variable);
        line += value === undefined || value === '' ? '-' : value;
      }
    }
    return line;
  }
}
