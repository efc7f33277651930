/**
 * The progress bar's text (the bar itself is drawn only on a terminal, which the process tests do
 * not have): handshakes (and failed ones) while connecting, then elapsed / total seconds and the live replies/s.
 */
import { describe, expect, it } from 'vitest';
import { progressBar, renderProgress } from './bench-progress.js';

describe('bench progress', () => {
  it('shows handshakes and failures, then elapsed / total seconds with a bar and the live rate', () => {
    expect(
      renderProgress({ phase: 'connecting', done: 25, total: 100, repliesPerSecond: 0, failed: 0 }),
    ).toBe('bench connecting [######..................] 25/100');
    expect(
      renderProgress({ phase: 'connecting', done: 50, total: 100, repliesPerSecond: 0, failed: 3 }),
    ).toBe('bench connecting [############............] 50/100, 3 failed');
    expect(
      renderProgress({ phase: 'warm-up', done: 1, total: 12, repliesPerSecond: 1234.4, failed: 0 }),
    ).toBe('bench [##......................] 1.0/12 s  1,234 replies/s  warm-up');
    expect(
      renderProgress({ phase: 'measuring', done: 12, total: 12, repliesPerSecond: 5000, failed: 0 }),
    ).toBe('bench [########################] 12.0/12 s  5,000 replies/s');
  });

  it('redraws one line on a terminal, and writes nothing elsewhere', () => {
    const fake = (isTTY: boolean) => {
      const written: string[] = [];
      const stream = { isTTY, write: (chunk: string) => written.push(chunk) > 0 };
      return { written, stream: stream as unknown as NodeJS.WriteStream };
    };
    const progress = { phase: 'measuring', done: 1, total: 2, repliesPerSecond: 10, failed: 0 } as const;
    const terminal = fake(true);
    const bar = progressBar(terminal.stream);
    bar.update(progress);
    bar.finish();
    expect(terminal.written).toEqual([`\r\u001b[2K${renderProgress(progress)}`, '\r\u001b[2K']);
    const pipe = fake(false);
    const silent = progressBar(pipe.stream);
    silent.update(progress);
    silent.finish();
    expect(pipe.written).toEqual([]);
  });
});
