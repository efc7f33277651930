/**
 * A replay of KEDA + the Horizontal Pod Autoscaler: feeds a trace of gateway figures (open
 * connections, messages/s) through the HPA's AverageValue formula with its tolerance, scale-up and
 * scale-down policies and stabilization window, and KEDA's activation and cooldown (scale to zero).
 * @see docs/scaling.md "How KEDA and the HPA turn figures into replicas"
 */

/** One sample of the recorded trace. */
export interface TracePoint {
  /** Seconds since the start of the trace. */
  readonly t: number;
  readonly connections: number;
  readonly messagesPerSecond: number;
}

export interface ScalingPolicy {
  /** Open connections one replica should carry (the trigger's targetValue). */
  readonly connectionsTarget: number;
  /** Messages per second one replica should carry. */
  readonly messageRateTarget: number;
  /** The scaler is active while either figure is above its activation value. */
  readonly activationConnections: number;
  readonly activationMessageRate: number;
  readonly minReplicaCount: number;
  readonly maxReplicaCount: number;
  /** KEDA's pollingInterval and the HPA's sync period, in seconds. @default 15 */
  readonly pollingInterval?: number;
  /** KEDA's cooldownPeriod: seconds inactive before scaling to zero. @default 300 */
  readonly cooldownPeriod?: number;
  /** The HPA's scale-down stabilization window, in seconds. @default 300 */
  readonly scaleDownStabilization?: number;
  /** The HPA's tolerance around a usage ratio of 1. @default 0.1 */
  readonly tolerance?: number;
}

export interface ReplicaPoint {
  readonly t: number;
  readonly replicas: number;
  /** What the formula asked for before stabilization and rate limits. */
  readonly desired: number;
  readonly active: boolean;
}

/**
 * The HPA's per-metric recommendation for an AverageValue target: the ratio of the metric per
 * current replica to the target; inside the tolerance nothing changes, else ceil(total / target).
 */
export function recommend(total: number, target: number, current: number, tolerance = 0.1): number {
  if (current === 0) return Math.ceil(total / target);
  const ratio = total / (target * current);
  if (Math.abs(ratio - 1) <= tolerance) return current;
  return Math.ceil(total / target);
}

/**
 * Replays `trace` and returns the replica count after each poll, up to `until` seconds (default the
 * last sample; later polls read the last sample, e.g. to show the cooldown to zero).
 */
export function simulate(
  trace: readonly TracePoint[],
  policy: ScalingPolicy,
  until?: number,
): ReplicaPoint[] {
  const polling = policy.pollingInterval ?? 15;
  const cooldown = policy.cooldownPeriod ?? 300;
  const stabilization = policy.scaleDownStabilization ?? 300;
  const tolerance = policy.tolerance ?? 0.1;
  const floor = Math.max(1, policy.minReplicaCount);
  const out: ReplicaPoint[] = [];
  const recommendations: { t: number; replicas: number }[] = [];
  let replicas = policy.minReplicaCount;
  let lastActive = Number.NEGATIVE_INFINITY;
  const end = until ?? trace[trace.length - 1]?.t ?? 0;
  for (let t = 0; t <= end; t += polling) {
    const point = sampleAt(trace, t);
    const active =
      point.connections > policy.activationConnections ||
      point.messagesPerSecond > policy.activationMessageRate;
    if (active) lastActive = t;
    const byConnections = recommend(point.connections, policy.connectionsTarget, replicas, tolerance);
    const byRate = recommend(point.messagesPerSecond, policy.messageRateTarget, replicas, tolerance);
    const desired = Math.min(policy.maxReplicaCount, Math.max(floor, byConnections, byRate));
    if (replicas === 0) {
      // KEDA owns 0 ↔ 1: it activates the target at once; the HPA takes over from the next poll.
      if (active) replicas = floor;
    } else if (!active && policy.minReplicaCount === 0 && t - lastActive >= cooldown) {
      replicas = 0;
      recommendations.length = 0;
    } else {
      recommendations.push({ t, replicas: desired });
      while ((recommendations[0]?.t ?? t) < t - stabilization) recommendations.shift();
      // Scale down only to the highest recommendation of the stabilization window.
      const stabilized =
        desired < replicas ? Math.max(desired, ...recommendations.map((r) => r.replicas)) : desired;
      // Default HPA policies: up by max(100 %, 4 pods) per 15 s; down by up to 100 % per 15 s.
      const upLimit = Math.max(replicas * 2, replicas + 4);
      replicas = Math.min(stabilized, upLimit);
    }
    out.push({ t, replicas, desired: active ? desired : 0, active });
  }
  return out;
}

/** The latest sample at or before `t` (the figures the scaler would have reported). */
function sampleAt(trace: readonly TracePoint[], t: number): TracePoint {
  let found = trace[0] ?? { t: 0, connections: 0, messagesPerSecond: 0 };
  for (const point of trace) {
    if (point.t > t) break;
    found = point;
  }
  return found;
}

/** Parses the committed CSV trace: a header `t,connections,messagesPerSecond`, then one sample a line. */
export function parseTrace(csv: string): TracePoint[] {
  const lines = csv.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const [header, ...rows] = lines;
  if (header !== 't,connections,messagesPerSecond')
    throw new Error(`unexpected trace header: ${header ?? ''}`);
  return rows.map((row, index) => {
    const [t, connections, rate] = row.split(',').map(Number);
    if (
      t === undefined ||
      connections === undefined ||
      rate === undefined ||
      [t, connections, rate].some((n) => !Number.isFinite(n))
    )
      throw new Error(`trace line ${String(index + 2)} is malformed: ${row}`);
    return { t, connections, messagesPerSecond: rate };
  });
}
