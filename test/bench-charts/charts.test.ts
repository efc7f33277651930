/**
 * The benchmark charts (bench/src/bench-charts.ts, `npm run bench:charts`) drawn from a small suite
 * result file: every chart is well-formed SVG with its labels and figures, the same input gives the
 * same bytes, and charts without data are skipped with the reason.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderBenchCharts, type BenchResultFile } from '../../bench/src/bench-charts.js';
import { wellFormedProblem } from './well-formed.js';

const fixturePath = new URL('./fixtures/suite-result.json', import.meta.url);
const load = (): BenchResultFile => JSON.parse(readFileSync(fixturePath, 'utf8')) as BenchResultFile;

function chartsByFile(file: BenchResultFile): Map<string, string> {
  return new Map(renderBenchCharts(file).charts.map((chart) => [chart.file, chart.svg]));
}

describe('benchmark charts from a full suite result', () => {
  const result = renderBenchCharts(load());
  const svg = chartsByFile(load());
  const chart = (name: string): string => svg.get(name) ?? '';

  it('draws all five charts, each well-formed SVG, and skips none', () => {
    expect([...svg.keys()]).toEqual([
      'bench-throughput.svg',
      'bench-latency.svg',
      'bench-cpu.svg',
      'bench-idle-memory.svg',
      'bench-push.svg',
    ]);
    expect(result.skipped).toEqual([]);
    for (const [name, text] of svg) {
      expect(wellFormedProblem(text), name).toBeNull();
      expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), name).toBe(true);
      expect(text, name).toContain('run 2026-11-27T22:48:45.511Z · commit c7ee24c2a174');
      // Coordinates are rounded to 0.1 px.
      expect(text, name).not.toMatch(/="-?\d+\.\d{2,}"/);
    }
  });

  it('throughput: a bar per scenario at each connection count, whiskers, baseline and the 0.5 × bar', () => {
    const text = chart('bench-throughput.svg');
    for (const label of [
      'Echo throughput: messages per second',
      'round trips per second (msgs/s)',
      '1 connection',
      '100 connections',
      'direct ws echo (baseline)',
      'Pushpin (peer)',
      'Switchboard split, backend requests pipelined',
      '90.4k',
      '8.76k',
      '12.4k',
      '0.5 × direct at 100 connections (quality bar)',
    ])
      expect(text).toContain(label);
    // 5 scenarios × 2 connection counts, each with a min–max whisker.
    expect(text.match(/<path d="M/g)).toHaveLength(10);
  });

  it('latency: p50 and p99 of every scenario on a log axis', () => {
    const text = chart('bench-latency.svg');
    for (const label of [
      'round trip (ms, log scale)',
      'p50 0.0751',
      'p99 0.148',
      'p50 11.1',
      'p99 23.8',
      '>0.01<',
      '>100<',
    ])
      expect(text).toContain(label);
  });

  it('CPU: role segments stacked per scenario at 100 connections and the 2 × direct line', () => {
    const text = chart('bench-cpu.svg');
    for (const label of [
      'CPU per message by process role, 100 connections',
      'CPU µs per round trip',
      '>69.3<',
      '>47<',
      '>118 µs<',
      '2 × direct = 20.9 µs',
      'gateway + backend in one process',
    ])
      expect(text).toContain(label);
  });

  it('idle memory: KB per connection of each system and the 6 KB line', () => {
    const text = chart('bench-idle-memory.svg');
    for (const label of [
      'Memory per idle WebSocket connection',
      'direct ws',
      'switchboard gateway, 6 workers',
      '100,000 connections',
      '5.73 KB',
      '6.21 KB',
      '6.54 KB',
      '6 KB bar',
    ])
      expect(text).toContain(label);
  });

  it('push: pushes per second per level in flight and the 20,000/s line', () => {
    const text = chart('bench-push.svg');
    for (const label of ['8 in flight', '32 in flight', '20,090', '12,796', '20,000/s bar', 'p50 0.329 ms'])
      expect(text).toContain(label);
  });

  it('gives the same bytes for the same input', () => {
    const again = chartsByFile(load());
    expect([...again.entries()]).toEqual([...svg.entries()]);
  });
});

describe('charts without data', () => {
  it('skips idle and push for a result file from before the suite, with the reason', () => {
    const { measurements, summary, meta } = load();
    const older: BenchResultFile = { meta, measurements, summary };
    const result = renderBenchCharts(older);
    expect(result.charts.map((c) => c.file)).toEqual([
      'bench-throughput.svg',
      'bench-latency.svg',
      'bench-cpu.svg',
    ]);
    expect(result.skipped).toEqual([
      { file: 'bench-idle-memory.svg', reason: 'no idle part in this result file (older format)' },
      { file: 'bench-push.svg', reason: 'no push part in this result file (older format)' },
    ]);
  });

  it('skips a failed or absent part and the CPU chart when 100 connections were not measured', () => {
    const file = load();
    const summary = file.summary ?? { scenarios: [], checks: [] };
    const result = renderBenchCharts({
      ...file,
      summary: { ...summary, scenarios: summary.scenarios.filter((s) => s.connections !== 100) },
      push: { error: 'gateway did not start' },
      idle: null,
    });
    expect(result.charts.map((c) => c.file)).toEqual(['bench-throughput.svg', 'bench-latency.svg']);
    expect(result.skipped).toEqual([
      { file: 'bench-cpu.svg', reason: 'no echo measurement at 100 connections' },
      { file: 'bench-idle-memory.svg', reason: 'the idle part was not run' },
      { file: 'bench-push.svg', reason: 'the push part failed: gateway did not start' },
    ]);
  });

  it('draws nothing from a file without any part', () => {
    const result = renderBenchCharts({
      meta: load().meta,
      measurements: [],
      summary: null,
      push: null,
      idle: null,
    });
    expect(result.charts).toEqual([]);
    expect(result.skipped.map((s) => s.file)).toHaveLength(5);
  });
});

describe('the well-formedness check', () => {
  it('accepts nested, self-closing and escaped markup and rejects broken markup', () => {
    expect(wellFormedProblem('<svg a="1"><g><text>a &amp; b</text><rect/></g></svg>\n')).toBeNull();
    expect(wellFormedProblem('<svg><g></svg>')).not.toBeNull();
    expect(wellFormedProblem('<svg><text>a & b</text></svg>')).not.toBeNull();
    expect(wellFormedProblem('<svg><rect x=1/></svg>')).not.toBeNull();
    expect(wellFormedProblem('<svg></svg><svg></svg>')).not.toBeNull();
  });
});
