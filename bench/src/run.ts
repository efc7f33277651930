/**
 * The benchmark runner (`npm run bench`): for each connection count, repetitions with the scenarios
 * interleaved (A B A B …), each a fresh system driven by its own load-generator process; prints one
 * table per connection count with the product's bar ratios and writes every figure to a JSON file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { guardChildren, stopAllChildren } from './child-processes.js';
import { machineInfo } from './machine.js';
import { machineBusyOver } from './proc-stats.js';
import { measure, type LoadSettings, type Measurement } from './measure.js';
import { createScenarios, defaultCliMain, isScenarioName, repoRoot, type ScenarioName } from './scenarios.js';
import { summarizeAll } from './summary.js';
import { renderSummary } from './table.js';

/** Machine-wide busy share under which the machine counts as idle before a measurement. */
const IDLE_BUSY_PERCENT = 10;

const usage = `Usage: node bench/dist/run.js [options]   (npm run bench -- [options])

  --scenarios LIST    direct,gateway,gateway-split (default: all three)
  --connections LIST  connection counts (default 1,100,1000; quick 1,100)
  --reps N            repetitions of each scenario at each count (default 3; quick 1)
  --duration S        measured window in seconds (default 10; quick 3)
  --warmup S          warm-up before the window in seconds (default 3; quick 1)
  --payload-bytes N   text payload size (default 64)
  --pause S           pause between measurements in seconds (default 1)
  --settle S          before each measurement, wait up to S seconds for the machine to go idle
                      (under ${IDLE_BUSY_PERCENT}% busy over 1 s); 0 skips (default 20; quick 5)
  --pin               pin the load generator to the last CPU, the systems to the others (taskset);
                      off by default, like the peer measurements in docs/peers.md section 8
  --cli FILE          switchboard CLI entry point (default packages/cli/dist/main.js)
  --out FILE          result JSON (default bench/results/<timestamp>.json)
  --quick             smoke run: 1 rep, 3 s after 1 s warm-up, connections 1,100
  --help              this help
`;

interface Settings {
  readonly scenarios: readonly ScenarioName[];
  readonly connections: readonly number[];
  readonly reps: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly payloadBytes: number;
  readonly pauseSeconds: number;
  readonly settleSeconds: number;
  readonly out: string;
  readonly cliMain: string;
  readonly pin: LoadSettings['pin'];
  readonly quick: boolean;
}

function positive(name: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(
      `--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

function nonNegative(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`--${name} must be a number of seconds, 0 or more, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parseSettings(argv: readonly string[]): Settings | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      scenarios: { type: 'string' },
      connections: { type: 'string' },
      reps: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'payload-bytes': { type: 'string' },
      pause: { type: 'string' },
      settle: { type: 'string' },
      out: { type: 'string' },
      cli: { type: 'string' },
      quick: { type: 'boolean', default: false },
      pin: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const quick = values.quick;
  const names = (values.scenarios ?? 'direct,gateway,gateway-split').split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isScenarioName(name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}`);
  const stamp = new Date()
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  return {
    scenarios: names.filter(isScenarioName),
    connections: (values.connections ?? (quick ? '1,100' : '1,100,1000'))
      .split(',')
      .map((count) => positive('connections', count.trim(), true)),
    reps: positive('reps', values.reps ?? (quick ? '1' : '3'), true),
    durationSeconds: positive('duration', values.duration ?? (quick ? '3' : '10'), false),
    warmupSeconds: positive('warmup', values.warmup ?? (quick ? '1' : '3'), false),
    payloadBytes: positive('payload-bytes', values['payload-bytes'] ?? '64', true),
    pauseSeconds: nonNegative('pause', values.pause ?? '1'),
    settleSeconds: nonNegative('settle', values.settle ?? (quick ? '5' : '20')),
    out: values.out === undefined ? resolve(repoRoot, 'bench/results', `${stamp}.json`) : resolve(values.out),
    cliMain: values.cli === undefined ? defaultCliMain : resolve(values.cli),
    pin: values.pin ? pinning(cpus().length) : null,
    quick,
  };
}

/** The load generator on the last CPU, the system under test on all the others. */
function pinning(cpuCount: number): LoadSettings['pin'] {
  if (cpuCount < 2) throw new Error('--pin needs at least 2 CPUs');
  const last = cpuCount - 1;
  return { system: last === 1 ? '0' : `0-${last - 1}`, loadGenerator: String(last) };
}

/**
 * Waits until the machine is idle or `maxSeconds` have passed; returns the last busy share seen.
 * Other work on the machine would otherwise be measured as part of the systems' figures.
 */
async function settle(maxSeconds: number): Promise<number> {
  const deadline = Date.now() + maxSeconds * 1000;
  let busy = await machineBusyOver(1000);
  while (busy >= IDLE_BUSY_PERCENT && Date.now() < deadline) busy = await machineBusyOver(1000);
  return busy;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function progressLine(run: Measurement): string {
  if (run.error !== null || run.load === null) return `failed: ${run.error ?? 'no result'}`;
  const { load } = run;
  const problems = load.connectErrors + load.socketErrors + load.unexpectedCloses + load.unexpectedReplies;
  return (
    `${(load.msgsPerSecond / 1000).toFixed(1)}k msgs/s, p50 ${load.latencyMs.p50.toFixed(3)} ms, ` +
    `p99 ${load.latencyMs.p99.toFixed(2)} ms, system CPU ${run.system?.cpuUsPerMsg.toFixed(1) ?? '–'} µs/msg, ` +
    `busy ${run.machineBusyPercent.toFixed(0)}%` +
    (problems > 0 ? `, ${problems} problem(s)` : '')
  );
}

async function main(): Promise<number> {
  const settings = parseSettings(process.argv.slice(2));
  if (settings === null) {
    process.stdout.write(usage);
    return 0;
  }
  guardChildren();
  const scenarios = createScenarios({ cliMain: settings.cliMain });
  const machine = machineInfo(repoRoot);
  const meta = {
    machine,
    settings,
    scenarios: Object.fromEntries(settings.scenarios.map((name) => [name, scenarios[name].description])),
    command: process.argv.slice(1).join(' '),
  };
  process.stderr.write(
    `Switchboard bench · ${machine.date} · Node ${machine.node} · ${machine.cores} × ${machine.cpuModel} · ` +
      `load average ${machine.loadAverageAtStart.toFixed(2)}\n`,
  );

  const measurements: Measurement[] = [];
  const save = (): void => {
    mkdirSync(dirname(settings.out), { recursive: true });
    const summary = summarizeAll(measurements);
    writeFileSync(settings.out, `${JSON.stringify({ meta, measurements, summary }, null, 2)}\n`);
  };

  const total = settings.connections.length * settings.reps * settings.scenarios.length;
  const consecutiveFailures = new Map<ScenarioName, number>();
  let index = 0;
  for (const connections of settings.connections) {
    const load: LoadSettings = {
      connections,
      warmupSeconds: settings.warmupSeconds,
      durationSeconds: settings.durationSeconds,
      payloadBytes: settings.payloadBytes,
      pin: settings.pin,
    };
    for (let rep = 1; rep <= settings.reps; rep += 1) {
      for (const name of settings.scenarios) {
        index += 1;
        const label = `[${index}/${total}] ${connections} conn · rep ${rep}/${settings.reps} · ${name}`;
        // A scenario that failed twice in a row (for example the CLI is not built) is not retried.
        if ((consecutiveFailures.get(name) ?? 0) >= 2) {
          process.stderr.write(`${label} … skipped after repeated failures\n`);
          continue;
        }
        process.stderr.write(`${label} … `);
        if (settings.settleSeconds > 0) {
          const busy = await settle(settings.settleSeconds);
          if (busy >= IDLE_BUSY_PERCENT) process.stderr.write(`(machine still ${busy.toFixed(0)}% busy) `);
        }
        const run = await measure(scenarios[name], load, rep);
        measurements.push(run);
        consecutiveFailures.set(name, run.error === null ? 0 : (consecutiveFailures.get(name) ?? 0) + 1);
        process.stderr.write(`${progressLine(run)}\n`);
        save();
        if (settings.pauseSeconds > 0) await sleep(settings.pauseSeconds * 1000);
      }
    }
  }

  save();
  const summary = summarizeAll(measurements);
  process.stdout.write(
    `${renderSummary(summary, {
      reps: settings.reps,
      durationSeconds: settings.durationSeconds,
      warmupSeconds: settings.warmupSeconds,
      payloadBytes: settings.payloadBytes,
    })}\n\nresults: ${settings.out}\n`,
  );
  return measurements.length > 0 && measurements.every((run) => run.error === null) ? 0 : 1;
}

main()
  .then(async (code) => {
    await stopAllChildren();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAllChildren();
    process.exit(1);
  });
