/**
 * `switchboard bench` as a real process against a real gateway and echo backend: it reports
 * replies and latency percentiles and exits 0; against a refusing or absent gateway it exits 1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, unusedUrl, type TestBackend } from '../../gateway/test/helpers/backend.js';
import { routesTo, startTestGateway } from '../../gateway/test/helpers/gateway.js';
import { runCli, stopAllCliProcesses } from './helpers/cli-process.js';
import type { BenchResult } from '../src/commands/bench.js';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(async () => {
  await backend.close();
});
afterEach(async () => {
  await stopAllCliProcesses();
});

describe('switchboard bench', () => {
  it('measures replies and latency through the gateway', async () => {
    await using gateway = await startTestGateway(routesTo(backend.url));
    const run = await runCli([
      'bench',
      '--url',
      gateway.url('dev'),
      '--connections',
      '3',
      '--duration',
      '1',
      '--rate',
      '5',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as BenchResult;
    expect(result.connections).toEqual({ requested: 3, opened: 3, failed: 0 });
    expect(result.missing).toBe(0);
    expect(result.replies).toBe(result.sent);
    expect(result.replies).toBeGreaterThanOrEqual(3);
    expect(result.latencyMs?.p50).toBeGreaterThan(0);
    expect(result.latencyMs?.max).toBeGreaterThanOrEqual(result.latencyMs?.p99 ?? Infinity);
    expect(backend.requests.filter((request) => request.path.startsWith('/message'))).toHaveLength(
      result.sent,
    );

    const text = await runCli([
      'bench',
      '--url',
      gateway.url('dev'),
      '--connections',
      '1',
      '--duration',
      '0.3',
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ {2}latency {6}p50 [\d.]+ ms/m);
    expect(text.stdout).toMatch(/^OK$/m);
  });

  it('exits 1 when clients cannot connect, and 2 without --url', async () => {
    const nobody = await runCli([
      'bench',
      '--url',
      (await unusedUrl()).replace('http', 'ws'),
      '--connections',
      '2',
      '--duration',
      '0.2',
      '--json',
    ]);
    expect(nobody.code).toBe(1);
    expect(JSON.parse(nobody.stdout)).toMatchObject({
      connections: { opened: 0, failed: 2 },
      replies: 0,
      latencyMs: null,
    });
    const usage = await runCli(['bench']);
    expect(usage.code).toBe(2);
    const help = await runCli(['bench', '--help']);
    expect(help.stdout).toMatch(/Examples:\n {2}switchboard bench --url/);
  });
});
