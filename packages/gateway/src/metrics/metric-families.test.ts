/**
 * CounterFamily and HistogramFamily render through a prom-client Registry exactly like its own
 * metrics: cumulative buckets with `le`, `+Inf`, `_sum` and `_count`, one line per series.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterFamily, HistogramFamily } from './metric-families.js';

describe('metric families', () => {
  it('renders counters per label set, created on first use', async () => {
    const registry = new Registry();
    const family = new CounterFamily(registry, 'x_total', 'Things.');
    const byStage = family.cache((stage, route) => ({ stage, route }));
    byStage.get('dev', 'a').value++;
    byStage.get('dev', 'a').value++;
    byStage.get('prod', 'b').value += 3;
    family.series({ stage: 'dev', route: 'a' }).value++;
    expect(await registry.metrics()).toBe(
      [
        '# HELP x_total Things.',
        '# TYPE x_total counter',
        'x_total{stage="dev",route="a"} 3',
        'x_total{stage="prod",route="b"} 3',
        '',
      ].join('\n'),
    );
  });

  it('renders a histogram with cumulative buckets, +Inf, sum and count', async () => {
    const registry = new Registry();
    const family = new HistogramFamily(registry, 'h_seconds', 'Latency.', [0.1, 1]);
    const series = family.cache((stage) => ({ stage })).get('dev');
    for (const value of [0.05, 0.1, 0.5, 2]) family.observe(series, value);
    expect(await registry.metrics()).toBe(
      [
        '# HELP h_seconds Latency.',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{stage="dev",le="0.1"} 2',
        'h_seconds_bucket{stage="dev",le="1"} 3',
        'h_seconds_bucket{stage="dev",le="+Inf"} 4',
        'h_seconds_sum{stage="dev"} 2.65',
        'h_seconds_count{stage="dev"} 4',
        '',
      ].join('\n'),
    );
  });
});
