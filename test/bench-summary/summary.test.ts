/**
 * The harness's verdicts on the ratio bars (bench/src/summary.ts, bench/src/table.ts,
 * bench/src/suite-report.ts): PASS or FAIL from the medians, marked "not conclusive" when the
 * interleaved rounds fall on both sides of the bar, as they do on a machine that drifts between
 * rounds more than the margin.
 */
import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../bench/src/load-report.js';
import type { Measurement } from '../../bench/src/measure.js';
import { suiteBars } from '../../bench/src/suite-report.js';
import { roundsAgree, summarizeAll, type BarCheck } from '../../bench/src/summary.js';
import { INCONCLUSIVE, verdictOf } from '../../bench/src/table.js';

function load(msgsPerSecond: number): LoadResult {
  return {
    url: 'ws://127.0.0.1:1/dev',
    connections: 100,
    connected: 100,
    openAtEnd: 100,
    payloadBytes: 64,
    warmupSeconds: 3,
    windowSeconds: 10,
    messages: msgsPerSecond * 10,
    msgsPerSecond,
    latencyMs: { min: 0.1, mean: 1, p50: 1, p90: 2, p99: 3, max: 4 },
    unexpectedReplies: 0,
    unexpectedSample: null,
    missingReplies: 0,
    connectErrors: 0,
    socketErrors: 0,
    unexpectedCloses: 0,
    perConnection: { min: 1, max: 2 },
    stalledConnections: 0,
  };
}

/** One round of a scenario at 100 connections: its throughput and its (gateway or server) CPU per message. */
function round(scenario: string, rep: number, msgsPerSecond: number, cpuUsPerMsg: number): Measurement {
  const figures = { cpuCores: (msgsPerSecond * cpuUsPerMsg) / 1e6, cpuUsPerMsg, rssBytes: 50e6 };
  const role = scenario === 'direct' ? 'server' : 'gateway';
  return {
    scenario,
    connections: 100,
    rep,
    startedAt: '2026-11-28T00:00:00.000Z',
    error: null,
    load: load(msgsPerSecond),
    wallSeconds: 10,
    machineBusyPercent: 90,
    otherCores: 0,
    processes: [{ pid: 1000 + rep, role, command: 'node', ...figures }],
    roles: { [role]: figures },
    system: figures,
  };
}

const checkOf = (runs: Measurement[], what: string): BarCheck => {
  const check = summarizeAll(runs).checks.find((c) => c.what.startsWith(what));
  if (check === undefined) throw new Error(`no ${what} check`);
  return check;
};

describe('ratio bars over interleaved rounds', () => {
  it('a bar every round meets (or every round misses) is conclusive', () => {
    const steady = [
      round('direct', 1, 100_000, 10),
      round('gateway-split-batched', 1, 55_000, 15),
      round('direct', 2, 90_000, 11),
      round('gateway-split-batched', 2, 52_000, 16),
      round('direct', 3, 95_000, 10),
      round('gateway-split-batched', 3, 40_000, 25),
    ];
    const throughput = checkOf(steady, 'offload throughput');
    expect(throughput.value).toBeCloseTo(52_000 / 95_000, 6);
    expect(throughput.pass).toBe(true);
    // Round 3 alone is 0.42: the rounds disagree, whatever the medians say.
    expect(roundsAgree(throughput)).toBe(false);
    const cpu = checkOf(steady, 'gateway CPU');
    expect(cpu.pairedRange?.min).toBeCloseTo(16 / 11, 6);
    expect(cpu.pairedRange?.max).toBeCloseTo(2.5, 6);
    expect(roundsAgree(cpu)).toBe(false);

    const clear = steady.slice(0, 4);
    for (const what of ['offload throughput', 'gateway CPU']) {
      expect(checkOf(clear, what).pass, what).toBe(true);
      expect(roundsAgree(checkOf(clear, what)), what).toBe(true);
    }
    expect(verdictOf(checkOf(clear, 'offload throughput'))).toBe('PASS');
  });

  it('says so in the printed verdict and in the suite bars when the rounds disagree', () => {
    const noisy = [
      round('direct', 1, 43_000, 20),
      round('gateway-split-batched', 1, 27_100, 30),
      round('direct', 2, 67_100, 14),
      round('gateway-split-batched', 2, 23_700, 30),
    ];
    const throughput = checkOf(noisy, 'offload throughput');
    expect(throughput.pairedRange?.min).toBeLessThan(0.5);
    expect(throughput.pairedRange?.max).toBeGreaterThan(0.5);
    expect(verdictOf(throughput)).toBe(`${throughput.pass ? 'PASS' : 'FAIL'} (${INCONCLUSIVE})`);
    const bar = suiteBars({ echo: summarizeAll(noisy), push: undefined, idle: undefined, rollingStop: undefined }).find(
      (b) => b.bar.includes('offload throughput'),
    );
    expect(bar?.note).toBe(INCONCLUSIVE);
  });

  it('roundsAgree compares both ends of the per-round range with the bar', () => {
    expect(roundsAgree({ pairedRange: null, comparison: '>=', bar: 0.5 })).toBe(true);
    expect(roundsAgree({ pairedRange: { min: 0.5, max: 0.7 }, comparison: '>=', bar: 0.5 })).toBe(true);
    expect(roundsAgree({ pairedRange: { min: 0.3, max: 0.49 }, comparison: '>=', bar: 0.5 })).toBe(true);
    expect(roundsAgree({ pairedRange: { min: 0.49, max: 0.5 }, comparison: '>=', bar: 0.5 })).toBe(false);
    expect(roundsAgree({ pairedRange: { min: 1.2, max: 2 }, comparison: '<=', bar: 2 })).toBe(true);
    expect(roundsAgree({ pairedRange: { min: 1.9, max: 2.1 }, comparison: '<=', bar: 2 })).toBe(false);
  });
});
