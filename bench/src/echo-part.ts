/**
 * The echo part of the suite: for each connection count, repetitions with the scenarios interleaved
 * (A B A B …), each a fresh system driven by its own load-generator process; the summary holds the
 * medians and the ratios to the direct echo (summary.ts), the table comes from table.ts.
 */
import { measure, type LoadSettings, type Measurement } from './measure.js';
import { settleNote, sleep } from './machine-settle.js';
import { createScenarios, type ScenarioName } from './scenarios.js';
import { summarizeAll, type Summary } from './summary.js';
import { renderSummary } from './table.js';

export interface EchoPartSettings {
  readonly scenarios: readonly ScenarioName[];
  readonly connections: readonly number[];
  readonly reps: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly payloadBytes: number;
  readonly pauseSeconds: number;
  readonly settleSeconds: number;
  readonly cliMain: string;
  readonly pin: LoadSettings['pin'];
}

export interface EchoPart {
  readonly measurements: readonly Measurement[];
  readonly summary: Summary;
}

function progressLine(run: Measurement): string {
  if (run.error !== null || run.load === null) return `failed: ${run.error ?? 'no result'}`;
  const { load } = run;
  const problems =
    load.connectErrors +
    load.socketErrors +
    load.unexpectedCloses +
    load.unexpectedReplies +
    load.missingReplies;
  return (
    `${(load.msgsPerSecond / 1000).toFixed(1)}k msgs/s, p50 ${load.latencyMs.p50.toFixed(3)} ms, ` +
    `p99 ${load.latencyMs.p99.toFixed(2)} ms, system CPU ${run.system?.cpuUsPerMsg.toFixed(1) ?? '–'} µs/msg, ` +
    `busy ${run.machineBusyPercent.toFixed(0)}%` +
    (problems > 0 ? `, ${problems} problem(s)` : '')
  );
}

/** The scenarios' descriptions, for the result file. */
export function echoScenarioDescriptions(settings: EchoPartSettings): Record<string, string> {
  const scenarios = createScenarios({ cliMain: settings.cliMain });
  return Object.fromEntries(settings.scenarios.map((name) => [name, scenarios[name].description]));
}

/**
 * Runs every measurement, progress on stderr; `onMeasurement` gets the measurements so far after
 * each one (the runner saves them, so an interrupted run keeps what it measured).
 */
export async function runEchoPart(
  settings: EchoPartSettings,
  onMeasurement: (part: EchoPart) => void,
): Promise<EchoPart> {
  const scenarios = createScenarios({ cliMain: settings.cliMain });
  const measurements: Measurement[] = [];
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
        const label = `[echo ${index}/${total}] ${connections} conn · rep ${rep}/${settings.reps} · ${name}`;
        const { maxConnections } = scenarios[name];
        if (maxConnections !== undefined && connections > maxConnections) {
          process.stderr.write(`${label} … skipped: measured up to ${maxConnections} connections\n`);
          continue;
        }
        // A scenario that failed twice in a row (for example the CLI is not built) is not retried.
        if ((consecutiveFailures.get(name) ?? 0) >= 2) {
          process.stderr.write(`${label} … skipped after repeated failures\n`);
          continue;
        }
        process.stderr.write(`${label} … `);
        process.stderr.write(await settleNote(settings.settleSeconds));
        const run = await measure(scenarios[name], load, rep);
        measurements.push(run);
        consecutiveFailures.set(name, run.error === null ? 0 : (consecutiveFailures.get(name) ?? 0) + 1);
        process.stderr.write(`${progressLine(run)}\n`);
        onMeasurement({ measurements, summary: summarizeAll(measurements) });
        if (settings.pauseSeconds > 0) await sleep(settings.pauseSeconds * 1000);
      }
    }
  }
  return { measurements, summary: summarizeAll(measurements) };
}

export function renderEchoPart(part: EchoPart, settings: EchoPartSettings): string {
  return renderSummary(part.summary, {
    reps: settings.reps,
    durationSeconds: settings.durationSeconds,
    warmupSeconds: settings.warmupSeconds,
    payloadBytes: settings.payloadBytes,
  });
}
