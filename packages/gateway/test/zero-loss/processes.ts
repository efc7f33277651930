/**
 * Test helpers for the zero-loss tests: the sample backend and redis-server as real child
 * processes on a free port chosen now (a restarted replica must come back on the same port),
 * stopped by pid, whose log lines a test can await; and closed-loop WebSocket clients that check
 * every reply.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connectClient, type TestClient } from '../helpers/client.js';

export const sampleBackendMain = fileURLToPath(
  new URL('../../../../examples/sample-backend/dist/main.js', import.meta.url),
);

/** Every child started here, so a failing test still stops them (by pid) in afterEach/afterAll. */
const started = new Set<ChildProcess>();

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...started].map((child) => stopChild(child, 'SIGKILL')));
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Sends `signal` by pid and resolves once the child exited, with its exit code. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    started.delete(child);
    return child.exitCode;
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (child.pid !== undefined) process.kill(child.pid, signal);
  const code = await exited;
  started.delete(child);
  return code;
}

/** Resolves at the next whole line of `stream` that matches `pattern`. */
export function nextLine(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let pending = '';
    const onData = (chunk: Buffer): void => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      const line = lines.find((l) => pattern.test(l));
      if (line === undefined) return;
      stream.off('data', onData);
      resolve(line);
    };
    stream.on('data', onData);
  });
}

/** Starts a child and resolves once a line of its stdout matches `ready`; rejects if it exits first. */
async function startChild(
  command: string,
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  started.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (ready.test(stdout)) resolve();
    });
    child.once('exit', (code) => {
      reject(new Error(`${command} exited with ${String(code)} before it was ready: ${stderr}`));
    });
    child.once('error', reject);
  });
  return child;
}

export interface BackendProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Resolves at the next line the backend logs (stderr, at its log level) that matches `pattern`. */
  nextLog(pattern: RegExp): Promise<string>;
}

/** The built sample backend (`npx tsc -b` first) on `port`, with the given store flags. */
export async function startSampleBackend(
  port: number,
  storeArgs: string[],
  drainDelayMs = 300,
  env: NodeJS.ProcessEnv = {},
  logLevel: 'warn' | 'info' = 'warn',
): Promise<BackendProcess> {
  if (!existsSync(sampleBackendMain)) throw new Error(`${sampleBackendMain} is missing: run npx tsc -b`);
  const child = await startChild(
    process.execPath,
    [
      sampleBackendMain,
      '--port',
      String(port),
      '--drain-delay-ms',
      String(drainDelayMs),
      '--log-level',
      logLevel,
      ...storeArgs,
    ],
    /sample backend listening on/,
    env,
  );
  const { stderr } = child;
  if (stderr === null) throw new Error('the sample backend was started without a stderr pipe');
  return { child, port, nextLog: (pattern) => nextLine(stderr, pattern) };
}

/** A throwaway redis-server on `port`, keeping nothing on disk. */
export async function startRedis(port: number): Promise<ChildProcess> {
  return startChild(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    /Ready to accept connections/,
  );
}

export interface LoopStats {
  /** Replies that were exactly `text [#n]` with n one more than the previous. */
  answered: number;
  /** Anything else received (error frames, wrong text, counts out of order). */
  readonly unexpected: string[];
  /** Replies that were not echoes but that `accept` let through. */
  accepted: number;
  /** Closes seen before the test closed the client. */
  readonly disconnects: { code: number; reason: string }[];
}

export interface ClosedLoopClient {
  readonly stats: LoopStats;
  /** Stops after the reply in flight, checks nothing more arrived, and closes. */
  stop(): Promise<void>;
}

/**
 * A client that sends `name-k`, waits for its reply, and sends the next: each reply must be
 * `name-k [#n]` with n counting up by one from the first reply, so a message lost, repeated or
 * answered out of order, and a session count that did not carry on, all show up. `compose` makes
 * the k-th message text otherwise (a JSON message for another route, say).
 */
export async function closedLoopClient(
  url: string,
  name: string,
  accept?: (reply: string) => boolean,
  compose: (name: string, k: number) => string = (n, k) => `${n}-${k}`,
): Promise<ClosedLoopClient> {
  const client: TestClient = await connectClient(url);
  const stats: LoopStats = { answered: 0, unexpected: [], accepted: 0, disconnects: [] };
  const state = { stopping: false };
  void client.closed.then((close) => {
    if (!state.stopping) stats.disconnects.push(close);
  });
  const loop = (async () => {
    let count: number | undefined;
    for (let k = 0; !state.stopping; k += 1) {
      const text = compose(name, k);
      client.send(text);
      const reply = await Promise.race([client.next(), client.closed.then(() => undefined)]);
      if (reply === undefined) return;
      const match = /^(.*) \[#(\d+)\]$/.exec(reply);
      const n = match === null ? undefined : Number(match[2]);
      if (match?.[1] === text && n !== undefined && (count === undefined || n === count + 1)) {
        count = n;
        stats.answered += 1;
      } else if (accept?.(reply) === true) {
        count = undefined; // an accepted error (store down): counting restarts with the next reply
        stats.accepted += 1;
      } else {
        stats.unexpected.push(reply);
      }
    }
  })();
  return {
    stats,
    async stop() {
      state.stopping = true;
      await loop;
      await client.close();
    },
  };
}
