/**
 * The text summary of `switchboard bench`: what was run, one aligned table (connections, messages,
 * round-trip percentiles), what went wrong if anything, and OK or FAILED.
 */
import type { Styles } from '../output/terminal.js';
import type { BenchResult } from './bench-load.js';

/** Whether a run counts as a success: the exit code and the last line of the summary. */
export function benchSucceeded(result: BenchResult): boolean {
  return (
    result.replies > 0 &&
    result.connections.failed === 0 &&
    result.connections.closedEarly === 0 &&
    result.missing === 0 &&
    result.unexpectedReplies === 0 &&
    result.stalledConnections === 0
  );
}

/** Milliseconds with the precision the harness's tables use. */
function ms(value: number): string {
  return value.toFixed(value < 1 ? 3 : value < 10 ? 2 : 1);
}

function perSecond(value: number): string {
  return value.toFixed(value < 100 ? 1 : 0);
}

/** Rows as columns: the first left-aligned, the others right-aligned, two spaces apart. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function describeRun(result: BenchResult): string {
  const mode =
    result.mode === 'closed-loop'
      ? 'closed loop'
      : `steady rate of ${String(result.rate)} message${result.rate === 1 ? '' : 's'}/s per connection`;
  return [
    mode,
    `${String(result.connections.requested)} connections`,
    `${String(result.payloadBytes)}-byte message`,
    `${String(result.warmupSeconds)} s warm-up`,
    `${result.durationSeconds.toFixed(1)} s measured`,
  ].join(', ');
}

/** The summary as printed, ending with a newline. */
export function formatSummary(result: BenchResult, styles: Styles): string {
  const { bold, dim, green, red } = styles;
  const { connections, latencyMs } = result;
  const latency =
    latencyMs === null
      ? ['–', '–', '–', '–']
      : [latencyMs.p50, latencyMs.p90, latencyMs.p99, latencyMs.max].map(ms);
  const headers = new Set([0, 2, 4]);
  const table = alignColumns([
    ['', 'opened', 'failed', 'closed early', 'stalled'],
    [
      'connections',
      ...[connections.opened, connections.failed, connections.closedEarly, result.stalledConnections].map(
        String,
      ),
    ],
    ['', 'sent', 'replies', 'unexpected', 'missing', 'replies/s'],
    [
      'messages',
      ...[result.sent, result.replies, result.unexpectedReplies, result.missing].map(String),
      perSecond(result.repliesPerSecond),
    ],
    ['', 'p50', 'p90', 'p99', 'max'],
    ['round trip ms', ...latency],
  ]).map((line, i) => (headers.has(i) ? dim(line) : line));
  const problems = [
    ...(result.replies === 0 ? ['no reply began with the message sent'] : []),
    ...(result.unexpectedSample === undefined
      ? []
      : [`first unexpected reply: ${JSON.stringify(result.unexpectedSample)}`]),
    ...(result.firstError === undefined ? [] : [`first error: ${result.firstError}`]),
  ];
  return [
    `${bold('bench')} ${result.url}`,
    describeRun(result),
    '',
    ...table,
    ...problems.map((problem) => red(problem)),
    benchSucceeded(result) ? green('OK') : red('FAILED'),
    '',
  ].join('\n');
}
