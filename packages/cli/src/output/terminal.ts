/**
 * Terminal output conventions for the CLI: colour only when the stream is a terminal (and NO_COLOR
 * is unset), JSON when `--json` is given, and a one-line progress indicator on stderr for long work,
 * drawn only on a terminal so that pipes and logs stay clean.
 */

export interface Styles {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
}

const plain: Styles = { bold: (t) => t, dim: (t) => t, green: (t) => t, red: (t) => t };
const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const coloured: Styles = { bold: ansi(1, 22), dim: ansi(2, 22), green: ansi(32, 39), red: ansi(31, 39) };

/** Styles for `stream`: ANSI colours on a terminal without NO_COLOR, plain text otherwise. */
export function stylesFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): Styles {
  return stream.isTTY && env.NO_COLOR === undefined ? coloured : plain;
}

/** Writes `value` as one line of JSON. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export interface Progress {
  /** Redraws the line with `done` items (and `total` when known). */
  update(done: number, total?: number): void;
  /** Clears the line. */
  finish(): void;
}

/** A progress line on stderr, drawn only when stderr is a terminal; otherwise every call does nothing. */
export function progressLine(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, finish: () => undefined };
  const width = 24;
  let spin = 0;
  return {
    update(done, total) {
      spin = (spin + 1) % width;
      const bar =
        total === undefined || total === 0
          ? `${' '.repeat(spin)}=${' '.repeat(width - spin - 1)}`
          : '#'.repeat(Math.round((done / total) * width)).padEnd(width, '.');
      stream.write(`\r${label} [${bar}] ${done}${total === undefined ? '' : `/${total}`}`);
    },
    finish() {
      stream.write('\r\u001b[2K');
    },
  };
}
