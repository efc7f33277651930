/**
 * CPU and memory of processes, and how busy the whole machine is, read from Linux /proc.
 * A snapshot is taken at the start and at the end of a measured window; their difference is the
 * CPU each process spent in the window (utime + stime, all threads) and the machine's busy share.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

let cachedClockTicks: number | undefined;

/** Kernel clock ticks per second (USER_HZ), from `getconf CLK_TCK`; 100 when that fails. */
export function clockTicks(): number {
  if (cachedClockTicks === undefined) {
    try {
      const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      cachedClockTicks = Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
    } catch {
      cachedClockTicks = 100;
    }
  }
  return cachedClockTicks;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The fields of /proc/PID/stat after the command name (field 3, `state`, is index 0). */
function statFields(pid: number): string[] | null {
  const text = readText(`/proc/${pid}/stat`);
  if (text === null) return null;
  // The command name is in parentheses and may itself contain spaces or parentheses.
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

export interface ProcessSample {
  readonly pid: number;
  /** utime + stime in seconds, over all threads of the process. */
  readonly cpuSeconds: number;
  /** Resident set size in bytes (VmRSS). */
  readonly rssBytes: number;
  /** Start time in clock ticks since boot: tells a live process from a reused pid. */
  readonly startTicks: number;
}

/** One process now, or `null` if it is gone. */
export function sampleProcess(pid: number): ProcessSample | null {
  const fields = statFields(pid);
  const status = readText(`/proc/${pid}/status`);
  if (fields === null || status === null) return null;
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const startTicks = Number(fields[19]);
  const rssKb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return {
    pid,
    cpuSeconds: (utime + stime) / clockTicks(),
    rssBytes: rssKb === undefined ? 0 : Number(rssKb) * 1024,
    startTicks,
  };
}

/** Whether `pid` is still the very process that was sampled (same start time). */
export function isSameProcessAlive(sample: Pick<ProcessSample, 'pid' | 'startTicks'>): boolean {
  const fields = statFields(sample.pid);
  if (fields === null) return false;
  return Number(fields[19]) === sample.startTicks && fields[0] !== 'Z';
}

function directChildren(pid: number): number[] {
  const tasks = (() => {
    try {
      return readdirSync(`/proc/${pid}/task`);
    } catch {
      return [];
    }
  })();
  const children: number[] = [];
  let supported = tasks.length > 0;
  for (const task of tasks) {
    const text = readText(`/proc/${pid}/task/${task}/children`);
    if (text === null) {
      supported = false;
      break;
    }
    for (const child of text.trim().split(/\s+/)) if (child !== '') children.push(Number(child));
  }
  if (supported) return children;
  // Kernels without CONFIG_PROC_CHILDREN: scan every process for its parent pid (field 4).
  const scanned: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields !== null && Number(fields[1]) === pid) scanned.push(Number(entry));
  }
  return scanned;
}

/** `root` and all of its descendants that are alive now. */
export function processTree(root: number): number[] {
  const seen = new Set<number>();
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift();
    if (pid === undefined || seen.has(pid)) continue;
    if (statFields(pid) === null) continue;
    seen.add(pid);
    queue.push(...directChildren(pid));
  }
  return [...seen];
}

/** The command line of a process, arguments joined by spaces ('' when unreadable). */
export function commandLine(pid: number): string {
  return (readText(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
}

export interface MachineSample {
  /** Jiffies the CPUs spent doing anything but idle and iowait, summed over all CPUs. */
  readonly busy: number;
  readonly total: number;
}

/** The aggregate `cpu` line of /proc/stat. */
export function sampleMachine(): MachineSample {
  const line = (readText('/proc/stat') ?? '').split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return { busy: 0, total: 0 };
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

export interface Snapshot {
  /** Monotonic time of the snapshot in milliseconds (`performance.now()`). */
  readonly at: number;
  readonly processes: ReadonlyMap<number, ProcessSample>;
  readonly machine: MachineSample;
}

/** Samples the given processes (those still alive) and the machine, as close together as possible. */
export function snapshot(pids: Iterable<number>): Snapshot {
  const processes = new Map<number, ProcessSample>();
  for (const pid of pids) {
    const sample = sampleProcess(pid);
    if (sample !== null) processes.set(pid, sample);
  }
  return { at: performance.now(), processes, machine: sampleMachine() };
}

export interface ProcessUsage {
  readonly pid: number;
  /** CPU seconds spent inside the window. */
  readonly cpuSeconds: number;
  /** CPU seconds per wall-clock second (1 = one core fully busy). */
  readonly cpuCores: number;
  /** RSS at the end of the window, in bytes. */
  readonly rssBytes: number;
}

export interface WindowUsage {
  readonly wallSeconds: number;
  readonly processes: readonly ProcessUsage[];
  /** Share of all CPUs' time that was busy during the window, 0–100. */
  readonly machineBusyPercent: number;
}

/** What happened between two snapshots. Processes missing from either snapshot are left out. */
export function usageBetween(before: Snapshot, after: Snapshot): WindowUsage {
  const wallSeconds = (after.at - before.at) / 1000;
  const processes: ProcessUsage[] = [];
  for (const [pid, end] of after.processes) {
    const start = before.processes.get(pid);
    if (start?.startTicks !== end.startTicks) continue;
    const cpuSeconds = end.cpuSeconds - start.cpuSeconds;
    processes.push({
      pid,
      cpuSeconds,
      cpuCores: wallSeconds > 0 ? cpuSeconds / wallSeconds : 0,
      rssBytes: end.rssBytes,
    });
  }
  const total = after.machine.total - before.machine.total;
  const busy = after.machine.busy - before.machine.busy;
  return { wallSeconds, processes, machineBusyPercent: total > 0 ? (100 * busy) / total : 0 };
}

/** Share of all CPUs busy over the next `ms` milliseconds, 0–100. */
export async function machineBusyOver(ms: number): Promise<number> {
  const before = sampleMachine();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = sampleMachine();
  const total = after.total - before.total;
  return total > 0 ? (100 * (after.busy - before.busy)) / total : 0;
}
