/**
 * `npm run bench:charts -- [RESULT_FILE] [--out DIR]`: renders the benchmark charts of
 * docs/benchmarks.md (bench-charts.ts) from one suite result file as SVG files. RESULT_FILE defaults
 * to the newest bench/results/*.json with an echo part (by the run date in its meta); DIR defaults
 * to docs/images. A chart without data in the file is skipped with a note on stderr.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hasEchoPart, renderBenchCharts, type BenchResultFile } from './bench-charts.js';
import { repoRoot } from './scenarios.js';

const usage = `Usage: npm run bench:charts -- [RESULT_FILE] [--out DIR]

Writes bench-throughput.svg, bench-latency.svg, bench-cpu.svg, bench-idle-memory.svg and
bench-push.svg from one result file of \`npm run bench\`.

  RESULT_FILE  default: the newest bench/results/*.json that has an echo part
  --out DIR    default: docs/images
`;

function readResult(path: string): BenchResultFile {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${path}: not a benchmark result object`);
  return parsed;
}

/** The run date in the file's meta, else the file's modification time. */
function runTime(path: string, file: BenchResultFile): number {
  const date = Date.parse(file.meta?.machine?.date ?? '');
  return Number.isNaN(date) ? statSync(path).mtimeMs : date;
}

function newestEchoResult(dir: string): string {
  const candidates = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(dir, name))
    .flatMap((path) => {
      try {
        const file = readResult(path);
        return hasEchoPart(file) ? [{ path, time: runTime(path, file) }] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => b.time - a.time || (a.path < b.path ? 1 : -1));
  const newest = candidates[0];
  if (newest === undefined) throw new Error(`no result file with an echo part in ${dir}`);
  return newest.path;
}

function main(): void {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { out: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  if (positionals.length > 1) throw new Error(`one result file at most, got ${positionals.join(' ')}`);
  const input =
    positionals[0] === undefined
      ? newestEchoResult(join(repoRoot, 'bench/results'))
      : resolve(positionals[0]);
  const outDir = values.out === undefined ? join(repoRoot, 'docs/images') : resolve(values.out);
  const { charts, skipped } = renderBenchCharts(readResult(input));
  mkdirSync(outDir, { recursive: true });
  process.stdout.write(`charts from ${relative(process.cwd(), input) || input}\n`);
  for (const chart of charts) {
    const path = join(outDir, chart.file);
    writeFileSync(path, chart.svg);
    process.stdout.write(`  wrote ${relative(process.cwd(), path)}\n`);
  }
  for (const skip of skipped) process.stderr.write(`bench:charts: skipped ${skip.file}: ${skip.reason}\n`);
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(`bench:charts: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
