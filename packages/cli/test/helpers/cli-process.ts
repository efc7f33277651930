/**
 * Test helper: the real `switchboard` command as a child process (`node packages/cli/dist/main.js`).
 * `startCli` resolves once the banner is printed, with the URLs parsed from it; `runCli` runs a
 * command to its exit; `spawnProcess`/`runProcess` do the same for other commands (wscat, python).
 * Every process is tracked: `stopAllCliProcesses()` (call it in `afterEach` or `afterAll`) and the
 * async dispose kill whichever is still running, by pid, and await its exit.
 *
 * Output is collected as lines. `waitForLine` resolves with the first line, already printed or still
 * to come, that matches, and rejects when the process exits first, so a test fails at once instead
 * of timing out.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';

/** The repository root, found from this file. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
/** The built CLI entry point (the root `npm test` builds it with `tsc -b` first). */
export const cliMain = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export type Stream = 'stdout' | 'stderr';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What the banner says, without the `{connectionId}` placeholder. */
export interface BannerUrls {
  /** `ws://127.0.0.1:PORT/{stage}` */
  readonly clients: string;
  /** `http://127.0.0.1:ADMIN/{stage}`: the endpoint for an AWS SDK management client. */
  readonly managementEndpoint: string;
  /** `http://127.0.0.1:ADMIN`: the admin listener (health, readiness, management API). */
  readonly admin: string;
  /** `http://127.0.0.1:PORT` of the sample backend (`switchboard up` only). */
  readonly backend: string | undefined;
}

export interface CliProcess {
  readonly pid: number;
  /** The child's stdin when spawned with `stdin: true`, else null. */
  readonly stdin: Writable | null;
  /** The text printed so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** The first line of `stream` (default stdout), past or future, that matches `pattern`. */
  waitForLine(pattern: RegExp, stream?: Stream): Promise<RegExpExecArray>;
  /** Sends a signal to the process (by pid). */
  signal(name: NodeJS.Signals): void;
  /** Resolves when the process has exited and its output is fully read. */
  readonly exited: Promise<Exit>;
  /** True until the process has exited. */
  readonly alive: boolean;
  /** Kills the process (SIGKILL) if it is still alive, and waits for its exit. */
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartedCli extends CliProcess {
  readonly urls: BannerUrls;
}

export interface SpawnOptions {
  /** Extra environment variables. Inherited SWITCHBOARD_* variables are removed so that runs are hermetic. */
  readonly env?: Readonly<Record<string, string>>;
  /** Pipe stdin (default: stdin is /dev/null). */
  readonly stdin?: boolean;
}

const live = new Set<CliProcess>();
/** Synchronous SIGKILLs of the running processes, for a test worker that exits without its hooks. */
const killers = new Set<() => void>();
process.once('exit', () => {
  for (const kill of killers) kill();
});

/** Kills every process this helper started that is still alive, and waits for them. */
export async function stopAllCliProcesses(): Promise<void> {
  await Promise.all([...live].map((cli) => cli[Symbol.asyncDispose]()));
}

/** Spawns `node packages/cli/dist/main.js ...args` and returns at once. */
export function spawnCli(args: readonly string[], options: SpawnOptions = {}): CliProcess {
  if (!existsSync(cliMain))
    throw new Error(`${cliMain} is missing: build first with \`npx tsc -b\` (the root \`npm test\` does)`);
  return spawnProcess(process.execPath, [cliMain, ...args], options);
}

/** Spawns any command with the same tracking (used for wscat and python too), without a terminal. */
export function spawnProcess(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): CliProcess {
  const label = [command, ...args].join(' ');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('SWITCHBOARD_')),
  );
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...env, ...options.env },
    stdio: [options.stdin === true ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let alive = true;
  const text: Record<Stream, string> = { stdout: '', stderr: '' };
  const lines: Record<Stream, string[]> = { stdout: [], stderr: [] };
  const partial: Record<Stream, string> = { stdout: '', stderr: '' };
  let waiters: {
    pattern: RegExp;
    stream: Stream;
    resolve: (match: RegExpExecArray) => void;
    reject: (error: Error) => void;
  }[] = [];

  const onLine = (stream: Stream, line: string) => {
    lines[stream].push(line);
    for (const waiter of waiters.filter((w) => w.stream === stream)) {
      const match = waiter.pattern.exec(line);
      if (match !== null) {
        waiters = waiters.filter((w) => w !== waiter);
        waiter.resolve(match);
      }
    }
  };
  const collect = (stream: Stream) => (chunk: Buffer) => {
    const piece = chunk.toString('utf8');
    text[stream] += piece;
    const parts = (partial[stream] + piece).split('\n');
    partial[stream] = parts.pop() ?? '';
    for (const line of parts) onLine(stream, line);
  };
  const { stdout, stderr } = child as ChildProcessByStdio<Writable | null, Readable, Readable>;
  stdout.on('data', collect('stdout'));
  stderr.on('data', collect('stderr'));
  // A child that exits early makes writes to its stdin fail with EPIPE; the exit is what tests check.
  child.stdin?.on('error', () => undefined);

  // 'close' comes after 'exit' and after both pipes have ended: all output is in by then.
  const exited = new Promise<Exit>((resolve) => {
    const finish = (exit: Exit) => {
      alive = false;
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] !== '') onLine(stream, partial[stream]);
        partial[stream] = '';
      }
      for (const waiter of waiters) {
        waiter.reject(
          new Error(
            `${label} exited (${describeExit(exit)}) before printing a line matching ${String(waiter.pattern)}\nstdout:\n${text.stdout}\nstderr:\n${text.stderr}`,
          ),
        );
      }
      waiters = [];
      resolve(exit);
    };
    child.once('close', (code, signal) => {
      finish({ code, signal });
    });
    // Spawning failed (e.g. ENOENT): there is no process, and 'close' still follows 'error'.
    child.once('error', (error) => {
      text.stderr += `spawn failed: ${error.message}\n`;
    });
  });

  const pid = child.pid ?? -1;
  /** Until 'exit': the pid is still ours to signal (after it, the pid may be reaped and reused). */
  const running = () => pid > 0 && child.exitCode === null && child.signalCode === null;
  const cli: CliProcess = {
    pid,
    stdin: child.stdin,
    get stdout() {
      return text.stdout;
    },
    get stderr() {
      return text.stderr;
    },
    get alive() {
      return alive;
    },
    exited,
    waitForLine(pattern, stream = 'stdout') {
      for (const line of lines[stream]) {
        const match = pattern.exec(line);
        if (match !== null) return Promise.resolve(match);
      }
      if (!alive)
        return Promise.reject(
          new Error(`${label} has exited without printing a line matching ${String(pattern)}`),
        );
      return new Promise((resolve, reject) => waiters.push({ pattern, stream, resolve, reject }));
    },
    signal(name) {
      if (running()) process.kill(pid, name);
    },
    async [Symbol.asyncDispose]() {
      if (running()) process.kill(pid, 'SIGKILL');
      await exited;
    },
  };
  const killNow = () => {
    if (running()) process.kill(pid, 'SIGKILL');
  };
  live.add(cli);
  killers.add(killNow);
  void exited.then(() => {
    live.delete(cli);
    killers.delete(killNow);
  });
  return cli;
}

export interface Finished extends Exit {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `switchboard ...args` to its exit: the exit, and everything it printed. */
export async function runCli(args: readonly string[], options: SpawnOptions = {}): Promise<Finished> {
  const cli = spawnCli(args, options);
  const exit = await cli.exited;
  return { ...exit, stdout: cli.stdout, stderr: cli.stderr };
}

/** Runs any command to its exit. */
export async function runProcess(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<Finished> {
  const child = spawnProcess(command, args, options);
  const exit = await child.exited;
  return { ...exit, stdout: child.stdout, stderr: child.stderr };
}

const BANNER_END = /^Try: npx wscat -c /;

/**
 * Starts a command that prints the gateway banner (`up`, `gateway`) and resolves once the banner is
 * printed. Rejects, with the output, when the process exits first.
 */
export async function startCli(args: readonly string[], options: SpawnOptions = {}): Promise<StartedCli> {
  const cli = spawnCli(args, options);
  let urls: BannerUrls;
  try {
    await cli.waitForLine(BANNER_END);
    // The banner is written at once: by its last line, every line is in.
    const field = (pattern: RegExp): string => {
      const match = pattern.exec(cli.stdout);
      if (match?.[1] === undefined)
        throw new Error(`the banner has no line matching ${String(pattern)}:\n${cli.stdout}`);
      return match[1];
    };
    urls = {
      clients: field(/^ {2}clients\s+(ws:\/\/\S+)$/m),
      managementEndpoint: field(/^ {2}management\s+(http:\/\/\S+)\/@connections\/\{connectionId\}$/m),
      admin: field(/^ {2}health\s+(http:\/\/\S+)\/healthz$/m),
      backend: /^ {2}backend\s+(http:\/\/\S+)$/m.exec(cli.stdout)?.[1],
    };
  } catch (error) {
    await cli[Symbol.asyncDispose]();
    throw error;
  }
  return {
    urls,
    pid: cli.pid,
    stdin: cli.stdin,
    exited: cli.exited,
    get stdout() {
      return cli.stdout;
    },
    get stderr() {
      return cli.stderr;
    },
    get alive() {
      return cli.alive;
    },
    waitForLine: (pattern, stream) => cli.waitForLine(pattern, stream),
    signal: (name) => {
      cli.signal(name);
    },
    [Symbol.asyncDispose]: () => cli[Symbol.asyncDispose](),
  };
}

export function describeExit(exit: Exit): string {
  return exit.signal === null ? `code ${String(exit.code)}` : `signal ${exit.signal}`;
}
