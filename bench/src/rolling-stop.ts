/**
 * CLI of the rolling-stop benchmark (`npm run bench:rolling-stop`): two sample-backend replicas
 * behind a `switchboard gateway`, closed-loop clients, the replicas stopped with SIGTERM and
 * restarted one after the other; the work is in rolling-stop-part.ts, which the suite
 * (`npm run bench -- --parts rolling-stop`) runs too. Writes the figures to bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { guardChildren, stopAllChildren } from './child-processes.js';
import { renderRollingStop, runRollingStop } from './rolling-stop-part.js';
import { defaultCliMain, repoRoot } from './scenarios.js';

const usage = `Usage: node bench/dist/rolling-stop.js [options]   (npm run bench:rolling-stop -- [options])

  --connections N    closed-loop clients (default 50)
  --phase S          seconds between steps: steady, stop A, restart A, stop B, end (default 3)
  --drain-delay-ms N the replicas' drain delay after SIGTERM (default 500)
  --store KIND       sample-backend session store: sqlite (shared file) or redis (default sqlite)
  --out FILE         result JSON (default bench/results/rolling-stop-<timestamp>.json)
  --help             this help
`;

interface Settings {
  readonly connections: number;
  readonly phaseMs: number;
  readonly drainDelayMs: number;
  readonly store: 'sqlite' | 'redis';
  readonly out: string;
}

function parseSettings(argv: readonly string[]): Settings | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      connections: { type: 'string', default: '50' },
      phase: { type: 'string', default: '3' },
      'drain-delay-ms': { type: 'string', default: '500' },
      store: { type: 'string', default: 'sqlite' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const number = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
    return value;
  };
  if (values.store !== 'sqlite' && values.store !== 'redis')
    throw new Error(`--store must be sqlite or redis, got ${JSON.stringify(values.store)}`);
  const stamp = new Date()
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  return {
    connections: Math.round(number('connections', values.connections)),
    phaseMs: number('phase', values.phase) * 1000,
    drainDelayMs: Math.round(number('drain-delay-ms', values['drain-delay-ms'])),
    store: values.store,
    out: resolve(values.out ?? join(repoRoot, 'bench/results', `rolling-stop-${stamp}.json`)),
  };
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  if (settings === null) {
    process.stdout.write(usage);
    return;
  }
  guardChildren();
  const { out, ...rest } = settings;
  const result = await runRollingStop({ ...rest, cliMain: defaultCliMain });
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, JSON.stringify({ ...result, settings }, null, 2) + '\n');
  process.stdout.write(`${renderRollingStop(result)}\n  written to ${out}\n`);
  if (result.failures > 0 || result.disconnects > 0) process.exitCode = 1;
}

try {
  await main();
} catch (error) {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
} finally {
  await stopAllChildren();
}
