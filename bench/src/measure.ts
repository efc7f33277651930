/**
 * One measurement: start a system, drive it from a separate load-generator process, sample /proc
 * for every process of the system (and the generator) exactly when the generator's measured window
 * opens and closes, then stop everything. CPU per message = CPU rate ÷ message rate.
 */
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startNode, stopChild, type Child } from './child-processes.js';
import { decodeLoadEvent, type LoadResult } from './load-report.js';
import { snapshot, usageBetween, type Snapshot } from './proc-stats.js';
import type { Role, Scenario, SystemProcess } from './scenarios.js';

const loadGeneratorJs = fileURLToPath(new URL('./load-generator.js', import.meta.url));

export interface LoadSettings {
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly payloadBytes: number;
  /** CPU pinning (`taskset -c` lists), or `null` to let the scheduler place everything. */
  readonly pin: { readonly system: string; readonly loadGenerator: string } | null;
}

export interface ProcessFigures {
  readonly pid: number;
  readonly role: Role | 'load-generator';
  readonly command: string;
  /** CPU seconds per wall-clock second during the window (1 = one core). */
  readonly cpuCores: number;
  /** CPU microseconds per completed round trip. */
  readonly cpuUsPerMsg: number;
  readonly rssBytes: number;
}

export interface RoleFigures {
  readonly cpuCores: number;
  readonly cpuUsPerMsg: number;
  readonly rssBytes: number;
}

export interface Measurement {
  readonly scenario: string;
  readonly connections: number;
  readonly rep: number;
  readonly startedAt: string;
  readonly error: string | null;
  readonly load: LoadResult | null;
  /** The window as the runner saw it between its two /proc snapshots. */
  readonly wallSeconds: number;
  readonly machineBusyPercent: number;
  /**
   * CPU cores busy with anything else than the system under test and the load generator (the
   * runner, other work on the machine): well above 0 means the figures were disturbed.
   */
  readonly otherCores: number;
  /** Every process of the system under test, plus the load generator. */
  readonly processes: readonly ProcessFigures[];
  /** The system under test summed per role (server, gateway, backend or both). */
  readonly roles: Partial<Record<Role, RoleFigures>>;
  /** The whole system under test (all of its processes; never the load generator). */
  readonly system: RoleFigures | null;
}

function sum(figures: readonly ProcessFigures[]): RoleFigures {
  return {
    cpuCores: figures.reduce((total, p) => total + p.cpuCores, 0),
    cpuUsPerMsg: figures.reduce((total, p) => total + p.cpuUsPerMsg, 0),
    rssBytes: figures.reduce((total, p) => total + p.rssBytes, 0),
  };
}

interface Windowed {
  readonly load: LoadResult;
  readonly before: Snapshot;
  readonly after: Snapshot;
  readonly members: ReadonlyMap<number, SystemProcess | 'load-generator'>;
}

/** Runs the generator against `url`; resolves once it reported its result. */
function drive(
  generator: Child,
  systemProcesses: () => SystemProcess[],
  timeoutMs: number,
): Promise<Windowed> {
  const members = new Map<number, SystemProcess | 'load-generator'>([[generator.pid, 'load-generator']]);
  const refreshMembers = (): void => {
    for (const process of systemProcesses()) members.set(process.pid, process);
  };
  let before: Snapshot | undefined;
  let after: Snapshot | undefined;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`load generator gave no result within ${timeoutMs} ms`));
    }, timeoutMs);
    generator.onLine((line) => {
      const event = decodeLoadEvent(line);
      if (event === null) return;
      switch (event.type) {
        case 'connected':
          break;
        case 'window-start':
          refreshMembers();
          before = snapshot(members.keys());
          break;
        case 'window-end':
          after = snapshot(members.keys());
          refreshMembers();
          break;
        case 'result':
          clearTimeout(timer);
          if (before === undefined || after === undefined) {
            reject(new Error('load generator reported a result without a window'));
          } else {
            resolve({ load: event.result, before, after, members });
          }
          break;
        case 'fatal':
          clearTimeout(timer);
          reject(new Error(`load generator: ${event.message}`));
          break;
      }
    });
    // 'close', not 'exit': stdout must be drained first, or the last lines would be lost.
    generator.process.once('close', (code, signal) => {
      clearTimeout(timer);
      const status = String(code ?? signal);
      reject(new Error(`load generator exited (${status}): ${generator.stderrTail().trim()}`));
    });
  });
}

/** Measures `scenario` once. Never throws: a failure is recorded in `error`. */
export async function measure(scenario: Scenario, settings: LoadSettings, rep: number): Promise<Measurement> {
  const startedAt = new Date().toISOString();
  const failed = (error: unknown): Measurement => ({
    scenario: scenario.name,
    connections: settings.connections,
    rep,
    startedAt,
    error: error instanceof Error ? error.message : String(error),
    load: null,
    wallSeconds: 0,
    machineBusyPercent: 0,
    otherCores: 0,
    processes: [],
    roles: {},
    system: null,
  });

  let system;
  try {
    system = await scenario.start({ cpus: settings.pin?.system });
  } catch (error) {
    return failed(error);
  }
  let generator: Child | undefined;
  try {
    generator = startNode(
      'load generator',
      [
        loadGeneratorJs,
        '--url',
        system.url,
        '--connections',
        String(settings.connections),
        '--warmup',
        String(settings.warmupSeconds),
        '--duration',
        String(settings.durationSeconds),
        '--payload-bytes',
        String(settings.payloadBytes),
        '--exit-with-stdin',
      ],
      { cpus: settings.pin?.loadGenerator },
    );
    const timeoutMs = (settings.warmupSeconds + settings.durationSeconds) * 1000 + 120_000;
    const { load, before, after, members } = await drive(generator, () => system.processes(), timeoutMs);
    const usage = usageBetween(before, after);
    const perMsg = (cpuCores: number): number =>
      load.msgsPerSecond > 0 ? (cpuCores / load.msgsPerSecond) * 1e6 : 0;
    const processes: ProcessFigures[] = usage.processes.flatMap((process) => {
      const member = members.get(process.pid);
      if (member === undefined) return [];
      return [
        {
          pid: process.pid,
          role: member === 'load-generator' ? 'load-generator' : member.role,
          command: member === 'load-generator' ? 'load-generator' : member.command,
          cpuCores: process.cpuCores,
          cpuUsPerMsg: perMsg(process.cpuCores),
          rssBytes: process.rssBytes,
        },
      ];
    });
    const systemSide = processes.filter((p) => p.role !== 'load-generator');
    const roles: Partial<Record<Role, RoleFigures>> = {};
    for (const role of new Set(systemSide.map((p) => p.role))) {
      if (role === 'load-generator') continue;
      roles[role] = sum(systemSide.filter((p) => p.role === role));
    }
    return {
      scenario: scenario.name,
      connections: settings.connections,
      rep,
      startedAt,
      error: null,
      load,
      wallSeconds: usage.wallSeconds,
      machineBusyPercent: usage.machineBusyPercent,
      otherCores: Math.max(
        0,
        (usage.machineBusyPercent / 100) * cpus().length -
          processes.reduce((total, p) => total + p.cpuCores, 0),
      ),
      processes,
      roles,
      system: sum(systemSide),
    };
  } catch (error) {
    return failed(error);
  } finally {
    if (generator !== undefined) await stopChild(generator, 2000);
    await system.stop();
  }
}
