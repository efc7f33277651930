/**
 * The progress bar of `switchboard bench` on stderr: handshakes (and failed ones) while connecting,
 * then elapsed and total seconds with the live replies per second. Like the CLI's other progress lines
 * (output/terminal.ts), it is drawn only when the stream is a terminal; elsewhere it prints nothing.
 */
import type { LoadProgress } from './bench-load.js';

const BAR_WIDTH = 24;

function bar(done: number, total: number): string {
  const filled = total > 0 ? Math.min(BAR_WIDTH, Math.round((done / total) * BAR_WIDTH)) : 0;
  return '#'.repeat(filled).padEnd(BAR_WIDTH, '.');
}

/** One line of progress, without the carriage return. */
export function renderProgress(progress: LoadProgress): string {
  if (progress.phase === 'connecting') {
    const failed = progress.failed > 0 ? `, ${String(progress.failed)} failed` : '';
    return `bench connecting [${bar(progress.done, progress.total)}] ${String(progress.done)}/${String(progress.total)}${failed}`;
  }
  const seconds = `${progress.done.toFixed(1)}/${String(Math.round(progress.total * 10) / 10)} s`;
  const rate = `${Math.round(progress.repliesPerSecond).toLocaleString('en-US')} replies/s`;
  const phase = progress.phase === 'measuring' ? '' : `  ${progress.phase}`;
  return `bench [${bar(progress.done, progress.total)}] ${seconds}  ${rate}${phase}`;
}

export interface ProgressBar {
  update(progress: LoadProgress): void;
  /** Clears the line. */
  finish(): void;
}

/** A progress bar on `stream`, or one that does nothing when `stream` is not a terminal. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update: () => undefined, finish: () => undefined };
  return {
    update(progress) {
      stream.write(`\r\u001b[2K${renderProgress(progress)}`);
    },
    finish() {
      stream.write('\r\u001b[2K');
    },
  };
}
