/**
 * The simulation docs/scaling.md shows: the recorded trace (docs/scaling/trace.csv) replayed through
 * KEDA + HPA with the targets and scale-to-zero settings docs/scaling.md describes, charted as an SVG.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  parseTrace,
  simulate,
  type ReplicaPoint,
  type ScalingPolicy,
  type TracePoint,
} from './hpa-simulation.js';
import { renderChart } from './svg-chart.js';

export const tracePath = fileURLToPath(new URL('../../docs/scaling/trace.csv', import.meta.url));
export const chartPath = fileURLToPath(new URL('../../docs/images/scaling-simulation.svg', import.meta.url));

/** Targets per backend replica, and scale-to-zero, as docs/scaling.md describes them. */
export const docsPolicy: ScalingPolicy = {
  connectionsTarget: 100,
  messageRateTarget: 100,
  activationConnections: 0,
  activationMessageRate: 0,
  minReplicaCount: 0,
  maxReplicaCount: 20,
  pollingInterval: 15,
  cooldownPeriod: 300,
  scaleDownStabilization: 300,
};

/** Polls run on past the trace's end for this long, so the chart shows the cooldown to zero. */
export const SIMULATED_SECONDS = 1260;

export function runDocsSimulation(): { trace: TracePoint[]; replicas: ReplicaPoint[]; svg: string } {
  const trace = parseTrace(readFileSync(tracePath, 'utf8'));
  const replicas = simulate(trace, docsPolicy, SIMULATED_SECONDS);
  const last = trace[trace.length - 1];
  const extend = <T extends readonly [number, number]>(points: T[]): T[] =>
    last === undefined
      ? points
      : [...points, [SIMULATED_SECONDS, points[points.length - 1]?.[1] ?? 0] as unknown as T];
  const svg = renderChart(
    [
      {
        label: 'open connections',
        color: '#1f77b4',
        axis: 'left',
        points: extend(trace.map((p) => [p.t, p.connections] as const)),
      },
      {
        label: 'messages per second',
        color: '#ff7f0e',
        axis: 'left',
        points: extend(trace.map((p) => [p.t, p.messagesPerSecond] as const)),
      },
      {
        label: 'backend replicas',
        color: '#2ca02c',
        axis: 'right',
        step: true,
        points: replicas.map((r) => [r.t, r.replicas] as const),
      },
    ],
    {
      title:
        'Recorded gateway figures replayed through KEDA + HPA (targets 100 connections, 100 msg/s per replica)',
      xLabel: 'seconds',
      leftLabel: 'connections, messages/s',
      rightLabel: 'replicas',
      width: 900,
    },
  );
  return { trace, replicas, svg };
}
