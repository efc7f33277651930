/**
 * From raw measurements to what the product is judged by: per scenario and connection count the
 * median over repetitions, then the ratios of the quality bars in docs (offload ÷ direct
 * throughput, gateway ÷ direct CPU per message, added p50 at one connection) with pass or fail.
 */
import type { Measurement } from './measure.js';
import type { Role } from './scenarios.js';

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface ScenarioSummary {
  readonly scenario: string;
  readonly connections: number;
  /** Repetitions that produced figures. */
  readonly reps: number;
  /** Error messages of repetitions that failed. */
  readonly failures: readonly string[];
  readonly msgsPerSecond: Spread;
  readonly p50Ms: Spread;
  readonly p99Ms: Spread;
  /** Slowest round trip of each repetition. */
  readonly maxMs: Spread;
  /** CPU µs per message over every process of the system under test. */
  readonly cpuUsPerMsg: Spread;
  /** The same, per role (gateway, backend, or both together when one process does both). */
  readonly roleCpuUsPerMsg: Partial<Record<Role, Spread>>;
  readonly rssBytes: Spread;
  readonly machineBusyPercent: Spread;
  /** CPU cores the load generator used: near 1.0 means it, not the system, may be the limit. */
  readonly loadGeneratorCores: Spread;
  /** CPU cores busy with other work during the window (see Measurement.otherCores). */
  readonly otherCores: Spread;
  /** Summed over repetitions. */
  readonly problems: {
    readonly connectErrors: number;
    readonly socketErrors: number;
    readonly unexpectedCloses: number;
    readonly unexpectedReplies: number;
    readonly missingReplies: number;
    readonly stalledConnections: number;
  };
  readonly unexpectedSample: string | null;
}

export interface BarCheck {
  /** The offload scenario compared with the baseline. */
  readonly scenario: string;
  readonly what: string;
  readonly connections: number;
  readonly value: number;
  /** Range of the same ratio computed per repetition pair (A and B of one round). */
  readonly pairedRange: { readonly min: number; readonly max: number } | null;
  readonly comparison: '>=' | '<=';
  readonly bar: number;
  readonly unit: string;
  readonly pass: boolean;
  /** Whether the product bar is defined at this connection count (others are informative). */
  readonly reference: boolean;
  /** False for a peer (PEER_SCENARIOS): its ratios are shown, but the product's bars do not judge it. */
  readonly judged: boolean;
  readonly note: string | null;
}

export interface Summary {
  readonly scenarios: readonly ScenarioSummary[];
  readonly checks: readonly BarCheck[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  const lower = sorted[middle - 1] ?? upper;
  return sorted.length % 2 === 1 ? upper : (lower + upper) / 2;
}

export function spread(values: readonly number[]): Spread {
  return {
    median: median(values),
    min: values.length === 0 ? Number.NaN : Math.min(...values),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
  };
}

function summarize(scenario: string, connections: number, runs: readonly Measurement[]): ScenarioSummary {
  const ok = runs.filter((run) => run.error === null && run.load !== null && run.system !== null);
  const loads = ok.flatMap((run) => (run.load === null ? [] : [run.load]));
  const roles = new Set(ok.flatMap((run) => Object.keys(run.roles) as Role[]));
  const roleCpuUsPerMsg: Partial<Record<Role, Spread>> = {};
  for (const role of roles) {
    roleCpuUsPerMsg[role] = spread(ok.flatMap((run) => run.roles[role]?.cpuUsPerMsg ?? []));
  }
  return {
    scenario,
    connections,
    reps: ok.length,
    failures: runs.flatMap((run) => (run.error === null ? [] : [run.error])),
    msgsPerSecond: spread(loads.map((load) => load.msgsPerSecond)),
    p50Ms: spread(loads.map((load) => load.latencyMs.p50)),
    p99Ms: spread(loads.map((load) => load.latencyMs.p99)),
    maxMs: spread(loads.map((load) => load.latencyMs.max)),
    cpuUsPerMsg: spread(ok.flatMap((run) => run.system?.cpuUsPerMsg ?? [])),
    roleCpuUsPerMsg,
    rssBytes: spread(ok.flatMap((run) => run.system?.rssBytes ?? [])),
    machineBusyPercent: spread(ok.map((run) => run.machineBusyPercent)),
    loadGeneratorCores: spread(
      ok.flatMap((run) => run.processes.filter((p) => p.role === 'load-generator').map((p) => p.cpuCores)),
    ),
    otherCores: spread(ok.map((run) => run.otherCores)),
    problems: {
      connectErrors: loads.reduce((total, load) => total + load.connectErrors, 0),
      socketErrors: loads.reduce((total, load) => total + load.socketErrors, 0),
      unexpectedCloses: loads.reduce((total, load) => total + load.unexpectedCloses, 0),
      unexpectedReplies: loads.reduce((total, load) => total + load.unexpectedReplies, 0),
      missingReplies: loads.reduce((total, load) => total + load.missingReplies, 0),
      stalledConnections: loads.reduce((total, load) => total + load.stalledConnections, 0),
    },
    unexpectedSample: loads.find((load) => load.unexpectedSample !== null)?.unexpectedSample ?? null,
  };
}

/** The gateway's CPU per message for the CPU bar: the gateway side alone when it can be told apart. */
function gatewayCpu(run: Measurement): { value: number; separable: boolean } | null {
  const gatewayOnly = run.roles.gateway;
  if (gatewayOnly !== undefined) return { value: gatewayOnly.cpuUsPerMsg, separable: true };
  const both = run.roles['gateway+backend'];
  if (both !== undefined) return { value: both.cpuUsPerMsg, separable: false };
  return null;
}

function pairedRange(
  direct: readonly Measurement[],
  gateway: readonly Measurement[],
  ratio: (direct: Measurement, gateway: Measurement) => number | null,
): { min: number; max: number } | null {
  const values: number[] = [];
  for (const g of gateway) {
    const d = direct.find((run) => run.rep === g.rep);
    if (d === undefined) continue;
    const value = ratio(d, g);
    if (value !== null && Number.isFinite(value)) values.push(value);
  }
  return values.length === 0 ? null : { min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Whether every round's ratio is on the same side of the bar (true when there are no rounds to
 * compare). False means the machine drifted between rounds by more than the margin, so the verdict
 * of the medians could go either way.
 */
export function roundsAgree(check: Pick<BarCheck, 'pairedRange' | 'comparison' | 'bar'>): boolean {
  const range = check.pairedRange;
  if (range === null) return true;
  const passes = (value: number): boolean => (check.comparison === '>=' ? value >= check.bar : value <= check.bar);
  return passes(range.min) === passes(range.max);
}

/** The product's quality bars that a direct-vs-gateway run can measure. */
export const bars = {
  throughput: { connections: 100, bar: 0.5 },
  cpu: { connections: 100, bar: 2 },
  addedP50Ms: { connections: 1, bar: 0.15 },
} as const;

/** The scenario every other one is compared with. */
export const BASELINE = 'direct';

/** Other products measured in the same run for comparison: never judged against our bars. */
export const PEER_SCENARIOS: ReadonlySet<string> = new Set([
  'pushpin',
  'serverless-offline',
  'serverless-offline-inprocess',
]);

function checksAt(
  connections: number,
  offload: string,
  runs: readonly Measurement[],
  summaries: ScenarioSummary[],
): BarCheck[] {
  const direct = summaries.find((s) => s.scenario === BASELINE && s.connections === connections);
  const gateway = summaries.find((s) => s.scenario === offload && s.connections === connections);
  if (direct === undefined || gateway === undefined || direct.reps === 0 || gateway.reps === 0) return [];
  const ok = (scenario: string): Measurement[] =>
    runs.filter((run) => run.scenario === scenario && run.connections === connections && run.error === null);
  const directRuns = ok(BASELINE);
  const gatewayRuns = ok(offload);
  const checks: BarCheck[] = [];
  const judged = !PEER_SCENARIOS.has(offload);

  const throughput = gateway.msgsPerSecond.median / direct.msgsPerSecond.median;
  checks.push({
    scenario: offload,
    what: 'offload throughput ÷ direct throughput',
    connections,
    value: throughput,
    pairedRange: pairedRange(directRuns, gatewayRuns, (d, g) =>
      d.load === null || g.load === null ? null : g.load.msgsPerSecond / d.load.msgsPerSecond,
    ),
    comparison: '>=',
    bar: bars.throughput.bar,
    unit: '',
    pass: throughput >= bars.throughput.bar,
    reference: judged && connections === bars.throughput.connections,
    judged,
    note: null,
  });

  const gatewayCpus = gatewayRuns.flatMap((run) => gatewayCpu(run) ?? []);
  if (gatewayCpus.length > 0) {
    const separable = gatewayCpus.every((cpu) => cpu.separable);
    const cpuRatio = median(gatewayCpus.map((cpu) => cpu.value)) / direct.cpuUsPerMsg.median;
    checks.push({
      scenario: offload,
      what: 'gateway CPU/msg ÷ direct CPU/msg',
      connections,
      value: cpuRatio,
      pairedRange: pairedRange(directRuns, gatewayRuns, (d, g) => {
        const cpu = gatewayCpu(g);
        return cpu === null || d.system === null ? null : cpu.value / d.system.cpuUsPerMsg;
      }),
      comparison: '<=',
      bar: bars.cpu.bar,
      unit: '×',
      pass: cpuRatio <= bars.cpu.bar,
      reference: judged && connections === bars.cpu.connections,
      judged,
      note: separable
        ? null
        : 'gateway and sample backend share one process: this counts both, so it overstates the gateway',
    });
  }

  const added = gateway.p50Ms.median - direct.p50Ms.median;
  checks.push({
    scenario: offload,
    what: 'added p50 (gateway p50 − direct p50)',
    connections,
    value: added,
    pairedRange: pairedRange(directRuns, gatewayRuns, (d, g) =>
      d.load === null || g.load === null ? null : g.load.latencyMs.p50 - d.load.latencyMs.p50,
    ),
    comparison: '<=',
    bar: bars.addedP50Ms.bar,
    unit: ' ms',
    pass: added <= bars.addedP50Ms.bar,
    reference: judged && connections === bars.addedP50Ms.connections,
    judged,
    note: null,
  });
  return checks;
}

export function summarizeAll(runs: readonly Measurement[]): Summary {
  const keys = new Map<string, { scenario: string; connections: number }>();
  for (const run of runs) keys.set(`${run.connections}\u0000${run.scenario}`, run);
  const scenarios = [...keys.values()].map(({ scenario, connections }) =>
    summarize(
      scenario,
      connections,
      runs.filter((run) => run.scenario === scenario && run.connections === connections),
    ),
  );
  const connectionCounts = [...new Set(runs.map((run) => run.connections))].sort((a, b) => a - b);
  const offloads = [...new Set(runs.map((run) => run.scenario))].filter((name) => name !== BASELINE);
  const checks = connectionCounts.flatMap((connections) =>
    offloads.flatMap((offload) => checksAt(connections, offload, runs, scenarios)),
  );
  return { scenarios, checks };
}
