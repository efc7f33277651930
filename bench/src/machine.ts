/**
 * What the figures were measured on, read at run time and stored with the results: date, Node,
 * CPUs, kernel, memory, clock ticks and the git commit (with a flag for uncommitted changes).
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { clockTicks } from './proc-stats.js';

export interface MachineInfo {
  readonly date: string;
  readonly node: string;
  readonly cores: number;
  readonly cpuModel: string;
  readonly kernel: string;
  readonly memoryBytes: number;
  readonly clockTicks: number;
  /** 1-minute load average when the run started: a busy machine skews every figure. */
  readonly loadAverageAtStart: number;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
}

function git(args: readonly string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(repoRoot: string): MachineInfo {
  const cpuList = cpus();
  const status = git(['status', '--porcelain'], repoRoot);
  return {
    date: new Date().toISOString(),
    node: process.version,
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    kernel: release(),
    memoryBytes: totalmem(),
    clockTicks: clockTicks(),
    loadAverageAtStart: loadavg()[0] ?? 0,
    gitCommit: git(['rev-parse', 'HEAD'], repoRoot),
    gitDirty: status === null ? null : status !== '',
  };
}
