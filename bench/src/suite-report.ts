/**
 * What the suite (`npm run bench`) prints besides the echo tables: the push part's table, the idle
 * part's lines, and at the end every quality bar of issue #7 / docs/product.md that the parts run
 * could measure, with PASS, FAIL or "not measured".
 */
import type { IdleBenchResult, IdleSystemFigures } from './idle-run.js';
import { bestPushRate, PUSH_BAR_PER_SECOND, type PushPart, type PushSummary } from './push-bench.js';
import type { RollingStopResult } from './rolling-stop-part.js';
import { BASELINE, PEER_SCENARIOS, roundsAgree, type Spread, type Summary } from './summary.js';
import { INCONCLUSIVE, renderRows } from './table.js';

/** Idle connections per machine the product promises (with workers). */
export const IDLE_CONNECTIONS_BAR = 100_000;
/** RSS per idle connection the product allows, in KB. */
export const IDLE_KB_BAR = 6;
/** Fewer connections than this make RSS per connection mostly noise: reported, not judged. */
const IDLE_KB_MIN_CONNECTIONS = 10_000;

export interface SuiteBar {
  readonly bar: string;
  readonly value: string;
  /** `null`: not measured by this run (part not run, failed, or too small a run to judge). */
  readonly pass: boolean | null;
  readonly note: string | null;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

function withRange(spread: Spread, format: (value: number) => string): string {
  if (spread.min === spread.max) return format(spread.median);
  return `${format(spread.median)} (${format(spread.min)}–${format(spread.max)})`;
}

export function renderPushTable(part: PushPart): string {
  const { settings } = part;
  const rows: string[][] = [
    [
      'in flight',
      'reps',
      'pushes/s (min–max)',
      'p50 ms',
      'p99 ms',
      'max ms',
      'gateway CPU µs/push',
      'gateway RSS MB',
      'busy %',
      'load cores',
      'other cores',
      'non-200',
      'errors',
      'undelivered',
    ],
  ];
  const problems: string[] = [];
  for (const s of part.summaries) {
    rows.push([
      String(s.concurrency),
      `${s.reps}/${s.reps + s.failures.length}`,
      withRange(s.pushesPerSecond, (v) => fixed(v, 0)),
      fixed(s.p50Ms.median, 2),
      fixed(s.p99Ms.median, 2),
      fixed(s.maxMs.max, 1),
      withRange(s.cpuUsPerPush, (v) => fixed(v, 1)),
      fixed(s.rssBytes.median / 2 ** 20, 1),
      fixed(s.machineBusyPercent.median, 0),
      fixed(s.loadProcessCores.median, 2),
      fixed(s.otherCores.median, 2),
      String(s.non200),
      String(s.errors),
      String(s.undelivered),
    ]);
    for (const failure of new Set(s.failures))
      problems.push(`  ${s.concurrency} in flight failed: ${failure}`);
    if (s.problemSample !== null) problems.push(`  ${s.concurrency} in flight: e.g. ${s.problemSample}`);
  }
  return [
    `\n== Management push · 1 gateway node · ${settings.payloadBytes} B to ${settings.connections} clients round-robin, ` +
      `closed loop, ${settings.client} HTTP client · median of ${settings.reps} × ${settings.durationSeconds} s ` +
      `after ${settings.warmupSeconds} s warm-up ==`,
    renderRows(rows),
    ...(problems.length > 0 ? ['problems:', ...problems] : []),
  ].join('\n');
}

function idleLine(r: IdleSystemFigures): string[] {
  return [
    r.system,
    `${r.connected}/${r.requested}`,
    String(r.failed),
    String(r.closedWhileHeld),
    r.heldByServer === null ? '–' : String(r.heldByServer),
    fixed(r.openSeconds, 1),
    `${fixed(r.rssBeforeMb, 1)} → ${fixed(r.rssAfterMb, 1)}`,
    fixed(r.kbPerConnection, 2),
  ];
}

export function renderIdleTable(result: IdleBenchResult): string {
  const systems = [
    ...(result.oneProcess ?? []),
    ...(result.withWorkers === null ? [] : [result.withWorkers]),
  ];
  return [
    `\n== Idle connections · ${result.settings.connections} per process, ${result.settings.workersConnections} ` +
      `with ${result.settings.workers} workers ==`,
    renderRows([
      ['system', 'connected', 'failed', 'closed while held', 'held by server', 'open s', 'RSS MB', 'KB/conn'],
      ...systems.map(idleLine),
    ]),
  ].join('\n');
}

export interface SuiteInputs {
  /** `undefined`: the part was not run; `null`: it failed. */
  readonly echo: Summary | null | undefined;
  readonly push: PushPart | null | undefined;
  readonly idle: IdleBenchResult | null | undefined;
  readonly rollingStop: RollingStopResult | null | undefined;
}

function missing(bar: string, part: unknown, name: string): SuiteBar {
  return {
    bar,
    value: '–',
    pass: null,
    note: part === undefined ? `${name} part not run` : `${name} part failed`,
  };
}

/** The echo bars: each one per offload scenario of the run, at the connection count it is set at. */
const echoBarKinds = [
  { what: 'offload throughput', label: 'offload throughput ÷ direct ≥ 0.5', connections: 100 },
  { what: 'gateway CPU', label: 'gateway CPU per message ÷ direct ≤ 2×', connections: 100 },
  { what: 'added p50', label: 'added p50 ≤ 0.15 ms', connections: 1 },
] as const;

function echoBars(summary: Summary | null | undefined): SuiteBar[] {
  if (summary === null || summary === undefined)
    return echoBarKinds.map((kind) => missing(`${kind.label} @ ${kind.connections} conn`, summary, 'echo'));
  const offloads = [...new Set(summary.scenarios.map((s) => s.scenario))].filter(
    (name) => name !== BASELINE && !PEER_SCENARIOS.has(name),
  );
  if (offloads.length === 0)
    return echoBarKinds.map((kind) => ({
      bar: `${kind.label} @ ${kind.connections} conn`,
      value: '–',
      pass: null,
      note: 'no offload scenario in the run',
    }));
  return offloads.flatMap((offload) =>
    echoBarKinds.map((kind): SuiteBar => {
      const bar = `${offload}: ${kind.label} @ ${kind.connections} conn`;
      const check = summary.checks.find(
        (c) => c.scenario === offload && c.connections === kind.connections && c.what.startsWith(kind.what),
      );
      if (check === undefined)
        return {
          bar,
          value: '–',
          pass: null,
          note: `needs direct and ${offload} at ${kind.connections} conn`,
        };
      return {
        bar,
        value:
          check.unit === ' ms' ? `${check.value.toFixed(3)} ms` : `${check.value.toFixed(2)}${check.unit}`,
        pass: check.pass,
        note: [check.note, roundsAgree(check) ? null : INCONCLUSIVE].filter((n) => n !== null).join('; ') || null,
      };
    }),
  );
}

function pushBars(push: PushPart | null | undefined): SuiteBar[] {
  const rateBar = `management pushes/s one node ≥ ${PUSH_BAR_PER_SECOND.toLocaleString('en')}`;
  const deliveryBar = 'management pushes answered 200 all delivered, no non-200 or errors';
  if (push === null || push === undefined)
    return [missing(rateBar, push, 'push'), missing(deliveryBar, push, 'push')];
  const best: PushSummary | null = bestPushRate(push);
  const measured = push.summaries.filter((s) => s.reps > 0);
  const problems = measured.reduce((total, s) => total + s.non200 + s.errors + s.undelivered, 0);
  return [
    best === null
      ? { bar: rateBar, value: '–', pass: null, note: 'every push measurement failed' }
      : {
          bar: rateBar,
          value: `${best.pushesPerSecond.median.toFixed(0)} (median, ${best.concurrency} in flight)`,
          pass: best.pushesPerSecond.median >= PUSH_BAR_PER_SECOND,
          note: null,
        },
    {
      bar: deliveryBar,
      value: `${problems} problem(s)`,
      pass: measured.length === 0 ? null : problems === 0,
      note: null,
    },
  ];
}

function idleBars(idle: IdleBenchResult | null | undefined): SuiteBar[] {
  const kbBar = `≤ ${IDLE_KB_BAR} KB RSS per idle connection (gateway, one process)`;
  const countBar = `${IDLE_CONNECTIONS_BAR.toLocaleString('en')} idle connections (gateway with workers)`;
  if (idle === null || idle === undefined)
    return [missing(kbBar, idle, 'idle'), missing(countBar, idle, 'idle')];
  const gateway = idle.oneProcess?.find((r) => r.system !== 'direct ws') ?? null;
  const workers = idle.withWorkers;
  const held = workers === null ? 0 : Math.min(workers.connected, workers.heldByServer ?? workers.connected);
  return [
    gateway === null
      ? { bar: kbBar, value: '–', pass: null, note: 'one-process scenario not run' }
      : {
          bar: kbBar,
          value: `${gateway.kbPerConnection.toFixed(2)} KB over ${gateway.connected} connections`,
          pass:
            gateway.requested < IDLE_KB_MIN_CONNECTIONS
              ? null
              : gateway.failed === 0 && gateway.kbPerConnection <= IDLE_KB_BAR,
          note:
            gateway.requested < IDLE_KB_MIN_CONNECTIONS
              ? `too few connections to judge (under ${IDLE_KB_MIN_CONNECTIONS.toLocaleString('en')})`
              : gateway.failed > 0
                ? `${gateway.failed} connections failed`
                : null,
        },
    workers === null
      ? { bar: countBar, value: '–', pass: null, note: 'workers scenario not run' }
      : {
          bar: countBar,
          value: `${held} held of ${workers.requested} (failed ${workers.failed}, closed ${workers.closedWhileHeld})`,
          pass:
            workers.requested < IDLE_CONNECTIONS_BAR
              ? null
              : held >= IDLE_CONNECTIONS_BAR && workers.failed === 0 && workers.closedWhileHeld === 0,
          note:
            workers.requested < IDLE_CONNECTIONS_BAR
              ? `only ${workers.requested} requested in this run`
              : null,
        },
  ];
}

function rollingBars(result: RollingStopResult | null | undefined): SuiteBar[] {
  const bar = '0 failures during a backend rolling stop';
  if (result === null || result === undefined) return [missing(bar, result, 'rolling-stop')];
  return [
    {
      bar,
      value: `${result.failures} failures, ${result.disconnects} disconnects over ${result.messages} messages`,
      pass: result.failures === 0 && result.disconnects === 0 && result.messages > 0,
      note: result.failureSample === undefined ? null : `e.g. ${result.failureSample}`,
    },
  ];
}

export function suiteBars(inputs: SuiteInputs): SuiteBar[] {
  return [
    ...echoBars(inputs.echo),
    ...pushBars(inputs.push),
    ...idleBars(inputs.idle),
    ...rollingBars(inputs.rollingStop),
  ];
}

export function renderSuiteBars(bars: readonly SuiteBar[]): string {
  return [
    '\n== Quality bars (issue #7, docs/product.md) ==',
    renderRows(
      bars.map((b) => [
        `  ${b.bar}`,
        b.value,
        b.pass === null ? 'not measured' : b.pass ? 'PASS' : 'FAIL',
        b.note === null ? '' : `(${b.note})`,
      ]),
    ),
  ].join('\n');
}
