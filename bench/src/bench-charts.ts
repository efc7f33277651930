/**
 * The benchmark charts of docs/benchmarks.md, drawn from one suite result file (bench/results/*.json,
 * written by run.ts): echo throughput, echo latency, CPU per message by role, memory per idle
 * connection and management pushes per second. Pure: a parsed file in, SVG texts out, plus the charts
 * that had no data and why. charts.ts is the command that reads and writes the files.
 */
import type { IdleBenchResult, IdleSystemFigures } from './idle-run.js';
import type { MachineInfo } from './machine.js';
import type { Measurement } from './measure.js';
import { PUSH_BAR_PER_SECOND, type PushPart } from './push-bench.js';
import { scenarioNames, type Role } from './scenarios.js';
import { IDLE_KB_BAR } from './suite-report.js';
import { bars, BASELINE, summarizeAll, type ScenarioSummary, type Summary } from './summary.js';
import {
  grouped,
  renderBarChart,
  short,
  type Bar,
  type BarGroup,
  type LegendEntry,
  type ReferenceLine,
} from './svg-chart.js';

type PartOutcome<T> = T | { readonly error: string } | null;

/** A result file as parsed: older files have only meta, measurements and summary. */
export interface BenchResultFile {
  readonly meta?: {
    readonly machine?: Partial<MachineInfo>;
    readonly settings?: {
      readonly reps?: number;
      readonly durationSeconds?: number;
      readonly payloadBytes?: number;
      readonly quick?: boolean;
    };
  };
  readonly measurements?: readonly Measurement[];
  readonly summary?: Summary | null;
  readonly push?: PartOutcome<PushPart>;
  readonly idle?: PartOutcome<IdleBenchResult>;
}

export const chartFileNames = {
  throughput: 'bench-throughput.svg',
  latency: 'bench-latency.svg',
  cpu: 'bench-cpu.svg',
  idleMemory: 'bench-idle-memory.svg',
  push: 'bench-push.svg',
} as const;

export interface RenderedChart {
  readonly file: string;
  readonly svg: string;
}

export interface SkippedChart {
  readonly file: string;
  readonly reason: string;
}

export interface BenchCharts {
  readonly charts: readonly RenderedChart[];
  readonly skipped: readonly SkippedChart[];
}

const BAR_RED = '#d62728';
const BASELINE_COLOR = '#333333';

/** Known scenarios first, in the harness's order; any other name after them, sorted. */
const scenarioOrder: readonly string[] = scenarioNames;

interface ScenarioLook {
  /** In legends. */
  readonly label: string;
  /** Under a bar of its own, with `detail` below. */
  readonly name: string;
  readonly detail: string;
  readonly dark: string;
  readonly light: string;
}

const scenarioLooks: Readonly<Record<string, ScenarioLook>> = {
  direct: {
    label: 'direct ws echo (baseline)',
    name: 'direct ws echo',
    detail: 'baseline',
    dark: '#7f7f7f',
    light: '#c7c7c7',
  },
  gateway: {
    label: 'Switchboard up (gateway + backend, one process)',
    name: 'Switchboard up',
    detail: 'one process',
    dark: '#1f77b4',
    light: '#aec7e8',
  },
  'gateway-split': {
    label: 'Switchboard split (gateway, backend: 2 processes)',
    name: 'Switchboard split',
    detail: 'gateway, backend apart',
    dark: '#2ca02c',
    light: '#98df8a',
  },
  'gateway-split-pipelined': {
    label: 'Switchboard split, backend requests pipelined',
    name: 'Switchboard pipelined',
    detail: 'split, upstream.pipelining',
    dark: '#e377c2',
    light: '#f7b6d2',
  },
  'gateway-split-batched': {
    label: 'Switchboard split, events batched (AWS_PROXY batchSize)',
    name: 'Switchboard batched',
    detail: 'split, AWS_PROXY batchSize',
    dark: '#9467bd',
    light: '#c5b0d5',
  },
  pushpin: {
    label: 'Pushpin (peer)',
    name: 'Pushpin',
    detail: 'peer, with echo origin',
    dark: '#ff7f0e',
    light: '#ffbb78',
  },
  'serverless-offline': {
    label: 'serverless-offline (peer, worker threads)',
    name: 'serverless-offline',
    detail: 'peer, handlers in worker threads',
    dark: '#bcbd22',
    light: '#dbdb8d',
  },
  'serverless-offline-inprocess': {
    label: 'serverless-offline --useInProcess (peer)',
    name: 'serverless-offline in-process',
    detail: 'peer, handlers in its thread',
    dark: '#17becf',
    light: '#9edae5',
  },
};

function look(scenario: string): ScenarioLook {
  return (
    scenarioLooks[scenario] ?? {
      label: scenario,
      name: scenario,
      detail: '',
      dark: '#8c564b',
      light: '#c49c94',
    }
  );
}

const roleOrder: readonly Role[] = ['server', 'gateway', 'gateway+backend', 'backend'];
const roleLooks: Readonly<Record<Role, { label: string; color: string }>> = {
  server: { label: 'server (direct ws, one process)', color: '#7f7f7f' },
  gateway: { label: 'gateway', color: '#1f77b4' },
  'gateway+backend': { label: 'gateway + backend in one process', color: '#17becf' },
  backend: { label: 'backend', color: '#9467bd' },
};

function byScenarioOrder(a: string, b: string): number {
  const ia = scenarioOrder.indexOf(a);
  const ib = scenarioOrder.indexOf(b);
  if (ia !== ib) return (ia === -1 ? scenarioOrder.length : ia) - (ib === -1 ? scenarioOrder.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

const plural = (count: number, word: string): string => `${grouped(count)} ${word}${count === 1 ? '' : 's'}`;

/** 90392 → "90.4k", 8758 → "8.76k", 512 → "512". */
function compact(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000) return `${short(value / 1000)}k`;
  return short(value);
}

function footer(file: BenchResultFile): string {
  const machine = file.meta?.machine ?? {};
  const commit =
    machine.gitCommit === undefined || machine.gitCommit === null
      ? 'commit unknown'
      : `commit ${machine.gitCommit.slice(0, 12)}${machine.gitDirty === true ? ' + uncommitted changes' : ''}`;
  const parts = [
    `run ${machine.date ?? 'date unknown'}`,
    commit,
    machine.cpuModel === undefined ? null : `${machine.cpuModel}, ${String(machine.cores ?? '?')} cores`,
    machine.node === undefined ? null : `Node ${machine.node}`,
    file.meta?.settings?.quick === true ? 'QUICK RUN (smoke figures)' : null,
  ];
  return parts.filter((p) => p !== null).join(' · ');
}

function echoSummary(file: BenchResultFile): Summary | null {
  if (file.summary !== undefined && file.summary !== null && file.summary.scenarios.length > 0)
    return file.summary;
  if (file.measurements !== undefined && file.measurements.length > 0) return summarizeAll(file.measurements);
  return null;
}

/** Whether the file has an echo part to chart. */
export function hasEchoPart(file: BenchResultFile): boolean {
  return echoSummary(file) !== null;
}

function measured<T extends { readonly reps: number }>(items: readonly T[]): T[] {
  return items.filter((item) => item.reps > 0);
}

function echoGroups(summary: Summary): { connections: number; rows: ScenarioSummary[] }[] {
  const rows = measured(summary.scenarios);
  const counts = [...new Set(rows.map((s) => s.connections))].sort((a, b) => a - b);
  return counts.map((connections) => ({
    connections,
    rows: rows
      .filter((s) => s.connections === connections)
      .sort((a, b) => byScenarioOrder(a.scenario, b.scenario)),
  }));
}

function scenariosIn(summary: Summary): string[] {
  return [...new Set(measured(summary.scenarios).map((s) => s.scenario))].sort(byScenarioOrder);
}

function echoSubtitle(file: BenchResultFile, extra: string): string {
  const settings = file.meta?.settings ?? {};
  const repetitions =
    settings.reps === undefined || settings.durationSeconds === undefined
      ? 'median of the repetitions'
      : `median of ${String(settings.reps)} × ${String(settings.durationSeconds)} s`;
  const payload = settings.payloadBytes === undefined ? '' : `${String(settings.payloadBytes)} B text, `;
  return `Closed-loop echo, ${payload}${repetitions}; ${extra}`;
}

function throughputChart(file: BenchResultFile, summary: Summary): string {
  const groups: BarGroup[] = echoGroups(summary).map(({ connections, rows }) => {
    const direct = rows.find((s) => s.scenario === BASELINE);
    const lines: ReferenceLine[] = [];
    if (direct !== undefined) {
      lines.push({ value: direct.msgsPerSecond.median, label: 'direct', color: BASELINE_COLOR });
      if (connections === bars.throughput.connections)
        lines.push({
          value: direct.msgsPerSecond.median * bars.throughput.bar,
          label: 'bar',
          color: BAR_RED,
        });
    }
    return {
      label: plural(connections, 'connection'),
      bars: rows.map((s): Bar => ({
        segments: [{ value: s.msgsPerSecond.median, color: look(s.scenario).dark }],
        whisker: { min: s.msgsPerSecond.min, max: s.msgsPerSecond.max },
        labels: [compact(s.msgsPerSecond.median)],
        outlined: s.scenario === BASELINE,
      })),
      lines,
    };
  });
  const legend: LegendEntry[] = [
    ...scenariosIn(summary).map((name): LegendEntry => ({
      label: look(name).label,
      color: look(name).dark,
      kind: 'box',
    })),
    { label: 'direct median (baseline)', color: BASELINE_COLOR, kind: 'dash' },
    {
      label: `${String(bars.throughput.bar)} × direct at ${String(bars.throughput.connections)} connections (quality bar)`,
      color: BAR_RED,
      kind: 'dash',
    },
  ];
  return renderBarChart(groups, {
    title: 'Echo throughput: messages per second',
    subtitle: echoSubtitle(file, 'whiskers: min–max of the repetitions'),
    xLabel: 'concurrent connections, each with one message in flight',
    yLabel: 'round trips per second (msgs/s)',
    scale: 'linear',
    tick: (v) => compact(v),
    legend,
    footer: footer(file),
  });
}

function latencyChart(file: BenchResultFile, summary: Summary): string {
  const groups: BarGroup[] = echoGroups(summary).map(({ connections, rows }) => ({
    label: plural(connections, 'connection'),
    bars: rows.map((s): Bar => ({
      segments: [
        { value: s.p50Ms.median, color: look(s.scenario).dark },
        { value: Math.max(0, s.p99Ms.median - s.p50Ms.median), color: look(s.scenario).light },
      ],
      labels: [`p99 ${short(s.p99Ms.median)}`, `p50 ${short(s.p50Ms.median)}`],
    })),
  }));
  const legend: LegendEntry[] = scenariosIn(summary).map((name) => ({
    label: look(name).label,
    color: look(name).dark,
    kind: 'box',
  }));
  return renderBarChart(groups, {
    title: 'Echo latency: p50 and p99 round trip',
    subtitle: echoSubtitle(file, 'dark: up to p50, light: p50 to p99 (log scale)'),
    xLabel: 'concurrent connections, each with one message in flight',
    yLabel: 'round trip (ms, log scale)',
    scale: 'log',
    tick: (v) => short(v),
    legend,
    footer: footer(file),
  });
}

function cpuChart(file: BenchResultFile, summary: Summary): string {
  const connections = bars.cpu.connections;
  const rows = measured(summary.scenarios)
    .filter((s) => s.connections === connections)
    .sort((a, b) => byScenarioOrder(a.scenario, b.scenario));
  const direct = rows.find((s) => s.scenario === BASELINE);
  const rolesSeen = new Set<Role>();
  const groups: BarGroup[] = rows.map((s) => {
    const segments = roleOrder.flatMap((role) => {
      const figures = s.roleCpuUsPerMsg[role];
      if (figures === undefined) return [];
      rolesSeen.add(role);
      return [{ value: figures.median, color: roleLooks[role].color, label: short(figures.median) }];
    });
    return {
      label: look(s.scenario).name,
      sublabel: look(s.scenario).detail,
      bars: [
        {
          segments,
          whisker: { min: s.cpuUsPerMsg.min, max: s.cpuUsPerMsg.max },
          labels: [`${short(s.cpuUsPerMsg.median)} µs`],
        },
      ],
    };
  });
  const lines: ReferenceLine[] =
    direct === undefined
      ? []
      : [
          {
            value: direct.cpuUsPerMsg.median * bars.cpu.bar,
            label: `${String(bars.cpu.bar)} × direct = ${short(direct.cpuUsPerMsg.median * bars.cpu.bar)} µs`,
            color: BAR_RED,
          },
        ];
  const legend: LegendEntry[] = [
    ...roleOrder
      .filter((role) => rolesSeen.has(role))
      .map((role): LegendEntry => ({
        label: roleLooks[role].label,
        color: roleLooks[role].color,
        kind: 'box',
      })),
    ...(direct === undefined
      ? []
      : [
          {
            label: `${String(bars.cpu.bar)} × direct CPU per message (quality bar for the gateway process)`,
            color: BAR_RED,
            kind: 'dash',
          } as const,
        ]),
  ];
  return renderBarChart(groups, {
    title: `CPU per message by process role, ${plural(connections, 'connection')}`,
    subtitle: echoSubtitle(file, 'whiskers: min–max of the total over the repetitions'),
    xLabel: 'system under test (load generator not counted)',
    yLabel: 'CPU µs per round trip',
    scale: 'linear',
    tick: (v) => short(v),
    legend,
    lines,
    footer: footer(file),
  });
}

function idleColor(system: IdleSystemFigures): string {
  if (system.system.includes('direct')) return '#7f7f7f';
  if (system.system.toLowerCase().includes('pushpin')) return '#ff7f0e';
  return system.workers > 0 ? '#17becf' : '#1f77b4';
}

function idleChart(file: BenchResultFile, idle: IdleBenchResult): string | null {
  const systems = [
    ...(idle.oneProcess ?? []),
    ...(idle.withWorkers === null ? [] : [idle.withWorkers]),
  ].filter((s) => s.connected > 0);
  if (systems.length === 0) return null;
  const groups: BarGroup[] = systems.map((s) => ({
    label: s.system,
    sublabel: `${grouped(s.connected)} connections${s.failed > 0 ? `, ${grouped(s.failed)} failed` : ''}`,
    bars: [
      {
        segments: [{ value: s.kbPerConnection, color: idleColor(s) }],
        labels: [`${short(s.kbPerConnection)} KB`],
      },
    ],
  }));
  const oneProcess = plural(idle.settings.connections, 'connection');
  return renderBarChart(groups, {
    title: 'Memory per idle WebSocket connection',
    subtitle: `RSS growth ÷ connections, every process of the system summed; ${oneProcess} per single process`,
    xLabel: 'system holding the idle connections',
    yLabel: 'RSS per connection (KB)',
    scale: 'linear',
    tick: (v) => short(v),
    legend: [
      ...systems.map((s): LegendEntry => ({ label: s.system, color: idleColor(s), kind: 'box' })),
      { label: `≤ ${String(IDLE_KB_BAR)} KB per connection (quality bar)`, color: BAR_RED, kind: 'dash' },
    ],
    lines: [{ value: IDLE_KB_BAR, label: `${String(IDLE_KB_BAR)} KB bar`, color: BAR_RED }],
    footer: footer(file),
  });
}

function pushChart(file: BenchResultFile, push: PushPart): string | null {
  const rows = measured(push.summaries).sort((a, b) => a.concurrency - b.concurrency);
  if (rows.length === 0) return null;
  const settings = push.settings;
  const groups: BarGroup[] = rows.map((s) => ({
    label: `${grouped(s.concurrency)} in flight`,
    sublabel: `p50 ${short(s.p50Ms.median)} ms · p99 ${short(s.p99Ms.median)} ms`,
    bars: [
      {
        segments: [{ value: s.pushesPerSecond.median, color: '#1f77b4' }],
        whisker: { min: s.pushesPerSecond.min, max: s.pushesPerSecond.max },
        labels: [grouped(s.pushesPerSecond.median)],
      },
    ],
  }));
  return renderBarChart(groups, {
    title: 'Management API pushes per second, one gateway node',
    subtitle:
      `POST @connections, ${String(settings.payloadBytes)} B to ${grouped(settings.connections)} clients round-robin, ` +
      `${settings.client} HTTP client; median of ${String(settings.reps)} × ${String(settings.durationSeconds)} s, whiskers min–max`,
    xLabel: 'requests in flight (closed loop)',
    yLabel: 'pushes answered 200 per second',
    scale: 'linear',
    tick: (v) => compact(v),
    legend: [
      { label: 'pushes/s (median)', color: '#1f77b4', kind: 'box' },
      { label: `≥ ${grouped(PUSH_BAR_PER_SECOND)} pushes/s (quality bar)`, color: BAR_RED, kind: 'dash' },
    ],
    lines: [{ value: PUSH_BAR_PER_SECOND, label: `${grouped(PUSH_BAR_PER_SECOND)}/s bar`, color: BAR_RED }],
    footer: footer(file),
  });
}

/** The part's value when it ran and succeeded, else why not. */
function part<T extends object>(outcome: PartOutcome<T> | undefined, name: string): T | string {
  if (outcome === undefined) return `no ${name} part in this result file (older format)`;
  if (outcome === null) return `the ${name} part was not run`;
  if ('error' in outcome) return `the ${name} part failed: ${outcome.error}`;
  return outcome;
}

export function renderBenchCharts(file: BenchResultFile): BenchCharts {
  const charts: RenderedChart[] = [];
  const skipped: SkippedChart[] = [];
  const add = (name: keyof typeof chartFileNames, svg: string | null, reason: string): void => {
    if (svg === null) skipped.push({ file: chartFileNames[name], reason });
    else charts.push({ file: chartFileNames[name], svg });
  };
  const summary = echoSummary(file);
  const noEcho = 'no echo measurements in this result file';
  add('throughput', summary === null ? null : throughputChart(file, summary), noEcho);
  add('latency', summary === null ? null : latencyChart(file, summary), noEcho);
  const at = bars.cpu.connections;
  const cpuReady = summary?.scenarios.some((s) => s.reps > 0 && s.connections === at) === true;
  add(
    'cpu',
    summary !== null && cpuReady ? cpuChart(file, summary) : null,
    summary === null ? noEcho : `no echo measurement at ${String(at)} connections`,
  );
  const idle = part(file.idle, 'idle');
  add(
    'idleMemory',
    typeof idle === 'string' ? null : idleChart(file, idle),
    typeof idle === 'string' ? idle : 'no idle system held any connection',
  );
  const push = part(file.push, 'push');
  add(
    'push',
    typeof push === 'string' ? null : pushChart(file, push),
    typeof push === 'string' ? push : 'every push measurement failed',
  );
  return { charts, skipped };
}
