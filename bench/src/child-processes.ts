/**
 * The processes the runner starts (systems under test, load generators): spawned with a pipe on
 * stdin so they can follow us if we die, tracked until they exit, and stopped by pid together with
 * their descendants, including on Ctrl-C, errors and a plain `process.exit`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { isSameProcessAlive, processTree, sampleProcess, type ProcessSample } from './proc-stats.js';

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** The last few kilobytes of stderr, for error messages. */
  stderrTail(): string;
  /** Registers a listener for each stdout line. */
  onLine(listener: (line: string) => void): void;
}

const live = new Set<Child>();
const STDERR_TAIL_BYTES = 4096;

export interface StartOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Copy the child's stderr to ours as it arrives. @default false */
  readonly echoStderr?: boolean;
  /**
   * CPUs the process (and every thread and child it creates) may run on, as `taskset -c` takes
   * them ("0", "0-2", "1,3"). taskset execs into node, so the pid stays the one we track.
   * @default every CPU
   */
  readonly cpus?: string;
}

/** Starts `node ARGS…` with the current Node binary. */
export function startNode(name: string, args: readonly string[], options: StartOptions = {}): Child {
  const [command, argv] =
    options.cpus === undefined
      ? [process.execPath, args]
      : ['taskset', ['-c', options.cpus, process.execPath, ...args]];
  return startProcess(name, command, argv, options);
}

/**
 * Starts `command ARGV…`, tracked like every child (stopped on exit). With `stdoutInTail`, the
 * child's stdout lines join its stderr tail, for programs that log to stdout.
 */
export function startProcess(
  name: string,
  command: string,
  argv: readonly string[],
  options: StartOptions & { readonly stdoutInTail?: boolean } = {},
): Child {
  const child = spawn(command, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  let tail = '';
  const keepTail = (chunk: string): void => {
    tail = (tail + chunk).slice(-STDERR_TAIL_BYTES);
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    keepTail(chunk);
    if (options.echoStderr === true) process.stderr.write(chunk);
  });
  // The runner never writes to a child's stdin; a broken pipe there is not an error of ours.
  child.stdin.on('error', () => undefined);
  const lines = createInterface({ input: child.stdout });
  if (options.stdoutInTail === true) lines.on('line', (line) => keepTail(`${line}\n`));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const handle: Child = {
    name,
    pid: child.pid,
    process: child,
    exited,
    stderrTail: () => tail,
    onLine: (listener) => {
      lines.on('line', listener);
    },
  };
  live.add(handle);
  void exited.then(() => live.delete(handle));
  return handle;
}

/** Waits for a stdout line matching `pattern`; fails if the child exits first or time runs out. */
export async function waitForLine(
  child: Child,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${child.name} did not print ${String(pattern)} within ${timeoutMs} ms`));
    }, timeoutMs);
    child.onLine((line) => {
      const match = pattern.exec(line);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited (${code}) early: ${child.stderrTail().trim()}`));
    });
  });
}

function signalAll(samples: readonly ProcessSample[], signal: NodeJS.Signals): void {
  for (const sample of samples) {
    if (!isSameProcessAlive(sample)) continue;
    try {
      process.kill(sample.pid, signal);
    } catch {
      // Gone between the check and the kill.
    }
  }
}

function treeSamples(root: number): ProcessSample[] {
  return processTree(root)
    .map((pid) => sampleProcess(pid))
    .filter((sample): sample is ProcessSample => sample !== null);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Stops a child and every descendant it has: SIGTERM to the child, SIGKILL if it has not exited
 * after `graceMs`, then SIGTERM and SIGKILL to any descendant that outlived it.
 */
export async function stopChild(child: Child, graceMs = 5000): Promise<void> {
  const tree = treeSamples(child.pid);
  const descendants = tree.filter((sample) => sample.pid !== child.pid);
  if (child.process.exitCode === null && child.process.signalCode === null) {
    child.process.kill('SIGTERM');
    const exitedInTime = await Promise.race([
      child.exited.then(() => true),
      sleep(graceMs).then(() => false),
    ]);
    if (!exitedInTime) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
  }
  if (descendants.some(isSameProcessAlive)) {
    signalAll(descendants, 'SIGTERM');
    await sleep(500);
    signalAll(descendants, 'SIGKILL');
  }
  child.process.stdin?.destroy();
}

/** Stops every child still running. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child, 2000)));
}

/** Last resort on exit: SIGKILL every tracked child and its descendants, synchronously. */
function killAllNow(): void {
  for (const child of live) signalAll(treeSamples(child.pid), 'SIGKILL');
}

let guarded = false;

/** Makes Ctrl-C, SIGTERM, uncaught errors and `process.exit` stop every child first. */
export function guardChildren(): void {
  if (guarded) return;
  guarded = true;
  process.on('exit', killAllNow);
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: stopping ${live.size} child process(es)…\n`);
    void stopAllChildren().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/** Children whose process tree is killed, and whose temp dir is removed, if the runner exits first. */
const exitCleanups = new Map<Child, string>();
let exitCleanupsHooked = false;

/**
 * For a system that runs daemons from a temp dir (the peers): if this process exits (Ctrl-C, an
 * error, `process.exit`) before the returned function is called, `child`'s whole process tree is
 * killed and `dir` removed, synchronously. Call the returned function once the system has stopped.
 */
export function cleanUpOnExit(child: Child, dir: string): () => void {
  if (!exitCleanupsHooked) {
    exitCleanupsHooked = true;
    process.on('exit', runExitCleanups);
  }
  exitCleanups.set(child, dir);
  return () => {
    exitCleanups.delete(child);
  };
}

function runExitCleanups(): void {
  for (const [child, dir] of exitCleanups) {
    signalAll(treeSamples(child.pid), 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `count` distinct TCP ports on 127.0.0.1 that were free a moment ago (listen on 0, read, close). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    for (const server of servers) {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    }
    return servers.map((server) => {
      const address = server.address();
      if (typeof address !== 'object' || address === null) throw new Error('could not find a free port');
      return address.port;
    });
  } finally {
    await Promise.all(
      servers
        .filter((server) => server.listening)
        .map((server) => new Promise((resolve) => server.close(resolve))),
    );
  }
}
