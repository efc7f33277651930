/**
 * Reading a KEDA trigger's `scalerMetadata` (the `metadata:` of an `external` or `external-push`
 * trigger) into what the scaler measures: which metric, for which stage, against which targets.
 * @see docs/scaling.md "External scaler"
 */
import { GatewayError } from '../errors.js';

/** The metrics the scaler serves. */
export const scalerMetrics = ['connections', 'messageRate'] as const;
export type ScalerMetric = (typeof scalerMetrics)[number];

export interface ScalerQuery {
  readonly metric: ScalerMetric;
  /** The stage measured; undefined sums every stage. */
  readonly stage: string | undefined;
  /** The per-replica target the HPA divides by (AverageValue). */
  readonly target: number;
  /** The scaler reports active while the metric is above this value. */
  readonly activationTarget: number;
  /** The metric name given to KEDA, e.g. `switchboard-connections-dev`. */
  readonly metricName: string;
}

/** Per-replica targets used when the trigger names none. */
export const defaultTargets: Readonly<Record<ScalerMetric, number>> = { connections: 100, messageRate: 50 };

/**
 * Parses `metadata`: `metric` (`connections` or `messageRate`, default `connections`), `stage`
 * (one of `stages`; default every stage), `targetValue` (positive; default 100 connections or 50
 * messages/s per replica) and `activationTargetValue` (≥ 0, default 0). Throws
 * SWB_ERR_SCALER_METADATA naming every problem.
 */
export function parseScalerMetadata(
  metadata: Readonly<Record<string, string>>,
  stages: readonly string[],
): ScalerQuery {
  const problems: string[] = [];
  const metricText = metadata.metric ?? 'connections';
  const metric = (scalerMetrics as readonly string[]).includes(metricText)
    ? (metricText as ScalerMetric)
    : undefined;
  if (metric === undefined) problems.push(`metric "${metricText}" is not one of ${scalerMetrics.join(', ')}`);
  const stage = metadata.stage === undefined || metadata.stage === '' ? undefined : metadata.stage;
  if (stage !== undefined && !stages.includes(stage))
    problems.push(`stage "${stage}" is not one of ${stages.join(', ')}`);
  const target = numberAt(metadata, 'targetValue', defaultTargets[metric ?? 'connections'], problems, false);
  const activationTarget = numberAt(metadata, 'activationTargetValue', 0, problems, true);
  if (problems.length > 0 || metric === undefined)
    throw new GatewayError('SWB_ERR_SCALER_METADATA', `invalid scalerMetadata: ${problems.join('; ')}`);
  return {
    metric,
    stage,
    target,
    activationTarget,
    metricName: `switchboard-${metric.toLowerCase()}${stage === undefined ? '' : `-${stage.toLowerCase()}`}`,
  };
}

function numberAt(
  metadata: Readonly<Record<string, string>>,
  key: string,
  fallback: number,
  problems: string[],
  zeroAllowed: boolean,
): number {
  const text = metadata[key];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    problems.push(`${key} "${text}" is not a ${zeroAllowed ? 'non-negative' : 'positive'} number`);
    return fallback;
  }
  return value;
}
