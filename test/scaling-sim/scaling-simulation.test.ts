/**
 * The HPA formula and the KEDA + HPA replay of the recorded trace behave as docs/scaling.md says,
 * and the committed chart is exactly what the code draws. Regenerate the chart with
 * `npm run docs:scaling-chart` (UPDATE_SCALING_CHART=1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recommend, simulate } from './hpa-simulation.js';
import { chartPath, docsPolicy, runDocsSimulation } from './scaling-simulation.js';

describe('the HPA AverageValue formula', () => {
  it('asks for ceil(total / target) replicas outside the tolerance and keeps the count inside it', () => {
    expect(recommend(300, 100, 1)).toBe(3);
    expect(recommend(301, 100, 1)).toBe(4);
    expect(recommend(105, 100, 1)).toBe(1);
    expect(recommend(0, 100, 4)).toBe(0);
    expect(recommend(50, 100, 0)).toBe(1);
  });
});

describe('KEDA + HPA replay', () => {
  const policy = { ...docsPolicy, pollingInterval: 15 };

  it('activates from zero on the first poll with activity, scales up at once, and limits a scale-up to max(2x, +4)', () => {
    const replicas = simulate(
      [
        { t: 0, connections: 0, messagesPerSecond: 0 },
        { t: 15, connections: 1500, messagesPerSecond: 0 },
      ],
      policy,
      60,
    );
    expect(replicas.map((r) => r.replicas)).toEqual([0, 1, 5, 10, 15]);
  });

  it('holds replicas through the stabilization window, then scales to zero only after the cooldown', () => {
    const trace = [
      { t: 0, connections: 500, messagesPerSecond: 0 },
      { t: 300, connections: 0, messagesPerSecond: 0 },
    ];
    const replicas = simulate(trace, { ...policy, minReplicaCount: 0 }, 900);
    const at = (t: number) => replicas.find((r) => r.t === t)?.replicas;
    // Last active poll: t=285. Scale-down waits for the stabilization window; zero comes cooldownPeriod later.
    expect(at(285)).toBe(5);
    expect(at(570)).toBe(5);
    expect(at(585)).toBe(0);
  });

  it('replays the recorded trace: up with connections, higher for the message burst, zero after the cooldown', () => {
    const { trace, replicas } = runDocsSimulation();
    expect(trace.length).toBeGreaterThan(60);
    const peakRate = Math.max(...trace.map((p) => p.messagesPerSecond));
    const peakConnections = Math.max(...trace.map((p) => p.connections));
    const peak = Math.max(...replicas.map((r) => r.replicas));
    const demand = Math.max(
      peakRate / docsPolicy.messageRateTarget,
      peakConnections / docsPolicy.connectionsTarget,
    );
    // At the peak the HPA reaches ceil(demand), or stops one short when that is within its 10 % tolerance.
    expect(peak).toBeLessThanOrEqual(Math.ceil(demand));
    expect(peak * 1.1).toBeGreaterThanOrEqual(demand);
    expect(peak).toBeGreaterThan(Math.ceil(peakConnections / docsPolicy.connectionsTarget));
    expect(replicas[0]?.replicas).toBe(0);
    const lastActive = Math.max(...replicas.filter((r) => r.active).map((r) => r.t));
    const zeroAgain =
      replicas.find((r) => r.t > lastActive && r.replicas === 0)?.t ?? Number.POSITIVE_INFINITY;
    expect(zeroAgain - lastActive).toBeGreaterThanOrEqual(docsPolicy.cooldownPeriod ?? 300);
    expect(replicas.every((r) => r.replicas <= docsPolicy.maxReplicaCount)).toBe(true);
  });

  it('matches the committed chart docs/images/scaling-simulation.svg', () => {
    const { svg } = runDocsSimulation();
    if (process.env.UPDATE_SCALING_CHART === '1') writeFileSync(chartPath, svg);
    expect(readFileSync(chartPath, 'utf8')).toBe(svg);
  });
});
