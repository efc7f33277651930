/**
 * Plain-text tables of a summary: one block per connection count with each scenario's medians,
 * then the bar ratios with pass or fail, and a closing block with the product's quality bars.
 */
import { roundsAgree, type BarCheck, type ScenarioSummary, type Spread, type Summary } from './summary.js';

export interface TableContext {
  readonly reps: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly payloadBytes: number;
}

/** CPU cores of unrelated work above which a window is reported as disturbed. */
const DISTURBED_CORES = 0.2;

function rate(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 1000 ? `${(value / 1000).toFixed(1)}k` : value.toFixed(0);
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  return value.toFixed(abs < 1 ? 3 : abs < 10 ? 2 : 1);
}

function us(value: number): string {
  return Number.isFinite(value) ? value.toFixed(value < 100 ? 1 : 0) : '–';
}

function mb(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(1) : '–';
}

function withRange(spread: Spread, format: (value: number) => string): string {
  if (spread.min === spread.max) return format(spread.median);
  return `${format(spread.median)} (${format(spread.min)}–${format(spread.max)})`;
}

export function renderRows(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function cpuCell(summary: ScenarioSummary): string {
  const roles = Object.entries(summary.roleCpuUsPerMsg);
  if (roles.length <= 1) {
    const [role] = roles[0] ?? ['?'];
    return `${us(summary.cpuUsPerMsg.median)} ${role}`;
  }
  return `${us(summary.cpuUsPerMsg.median)} total: ${roles.map(([role, spread]) => `${role} ${us(spread.median)}`).join(', ')}`;
}

function formatValue(check: BarCheck, value: number): string {
  if (check.unit === ' ms') return `${ms(value)} ms`;
  return `${value.toFixed(2)}${check.unit}`;
}

/** What an inconclusive verdict says. */
export const INCONCLUSIVE = 'not conclusive: rounds on both sides of the bar';

/** PASS or FAIL, from the medians; marked when the rounds fell on both sides of the bar. */
export function verdictOf(check: BarCheck): string {
  const verdict = check.pass ? 'PASS' : 'FAIL';
  return roundsAgree(check) ? verdict : `${verdict} (${INCONCLUSIVE})`;
}

function checkRow(check: BarCheck): string[] {
  const paired =
    check.pairedRange === null
      ? ''
      : `(per round ${formatValue(check, check.pairedRange.min)} to ${formatValue(check, check.pairedRange.max)})`;
  const verdict = verdictOf(check);
  return [
    `  ${check.what}`,
    formatValue(check, check.value),
    paired,
    `bar ${check.comparison === '>=' ? '≥' : '≤'} ${check.bar}${check.unit}`,
    !check.judged
      ? 'peer: not judged'
      : check.reference
        ? verdict
        : `${check.pass ? 'pass' : 'fail'} (bar is set at ${barAt(check)} conn)`,
  ];
}

function barAt(check: BarCheck): number {
  return check.unit === ' ms' ? 1 : 100;
}

/** The tables, one block per connection count, then the quality-bar verdicts. */
export function renderSummary(summary: Summary, context: TableContext): string {
  const out: string[] = [];
  const counts = [...new Set(summary.scenarios.map((s) => s.connections))].sort((a, b) => a - b);
  for (const connections of counts) {
    out.push(
      `\n== ${connections} connection${connections === 1 ? '' : 's'} · ${context.payloadBytes} B echo, closed loop · ` +
        `median of ${context.reps} × ${context.durationSeconds} s after ${context.warmupSeconds} s warm-up ==`,
    );
    const rows: string[][] = [
      [
        'scenario',
        'reps',
        'msgs/s (min–max)',
        'p50 ms',
        'p99 ms',
        'max ms',
        'CPU µs/msg',
        'RSS MB',
        'busy %',
        'loadgen cores',
        'other cores',
      ],
    ];
    const failures: string[] = [];
    for (const s of summary.scenarios.filter((x) => x.connections === connections)) {
      rows.push([
        s.scenario,
        `${s.reps}/${s.reps + s.failures.length}`,
        withRange(s.msgsPerSecond, rate),
        ms(s.p50Ms.median),
        ms(s.p99Ms.median),
        ms(s.maxMs.max),
        s.reps === 0 ? '–' : cpuCell(s),
        mb(s.rssBytes.median),
        Number.isFinite(s.machineBusyPercent.median) ? s.machineBusyPercent.median.toFixed(0) : '–',
        Number.isFinite(s.loadGeneratorCores.median) ? s.loadGeneratorCores.median.toFixed(2) : '–',
        Number.isFinite(s.otherCores.max)
          ? `${s.otherCores.median.toFixed(2)} (max ${s.otherCores.max.toFixed(2)})`
          : '–',
      ]);
      const p = s.problems;
      if (p.stalledConnections > 0) {
        failures.push(
          `  ${s.scenario}: ${p.stalledConnections} connection-windows completed no round trip at all ` +
            `(slowest round trip ${ms(s.maxMs.max)} ms)`,
        );
      }
      if (
        p.connectErrors + p.socketErrors + p.unexpectedCloses + p.unexpectedReplies + p.missingReplies >
        0
      ) {
        failures.push(
          `  ${s.scenario}: ${p.connectErrors} connect errors, ${p.socketErrors} socket errors, ` +
            `${p.unexpectedCloses} unexpected closes, ${p.unexpectedReplies} unexpected replies, ` +
            `${p.missingReplies} missing replies` +
            (s.unexpectedSample === null ? '' : ` (e.g. ${JSON.stringify(s.unexpectedSample)})`),
        );
      }
      for (const failure of new Set(s.failures)) failures.push(`  ${s.scenario} failed: ${failure}`);
      if (s.otherCores.max > DISTURBED_CORES) {
        failures.push(
          `  ${s.scenario}: other work used up to ${s.otherCores.max.toFixed(2)} cores during a window: ` +
            'these figures are disturbed; rerun on a quiet machine',
        );
      }
    }
    out.push(renderRows(rows));
    if (failures.length > 0) out.push('problems:', ...failures);
    const checks = summary.checks.filter((check) => check.connections === connections);
    for (const offload of new Set(checks.map((check) => check.scenario))) {
      const mine = checks.filter((check) => check.scenario === offload);
      out.push(`ratios, ${offload} against direct (from the medians):`);
      out.push(renderRows(mine.map(checkRow)));
      for (const check of mine) if (check.note !== null) out.push(`  note: ${check.note}`);
    }
  }
  const reference = summary.checks.filter((check) => check.reference);
  out.push('\n== Quality bars (docs/product.md) ==');
  if (reference.length === 0) {
    out.push('  not measured: the run needs both scenarios at 100 and at 1 connection');
  } else {
    out.push(
      renderRows(
        reference.map((check) => [
          `  ${check.scenario}: ${check.what} @ ${check.connections} conn`,
          formatValue(check, check.value),
          `bar ${check.comparison === '>=' ? '≥' : '≤'} ${check.bar}${check.unit}`,
          verdictOf(check),
        ]),
      ),
    );
  }
  return out.join('\n');
}
