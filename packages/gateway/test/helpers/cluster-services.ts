/**
 * Test helper: the real Redis and NATS the cluster tests use (127.0.0.1:6379 and :4222, or REDIS_URL
 * and NATS_URL), and private redis-server / nats-server processes on free ports for restart tests,
 * stopped by pid. Under CI=true a missing service fails; elsewhere the test skips with the reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { once } from 'node:events';

export const inCi = process.env.CI === 'true';
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** True when a TCP connection to the URL's host:port opens within a second. */
export function reachable(url: string, defaultPort: number): Promise<boolean> {
  const parsed = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: parsed.hostname, port: Number(parsed.port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Why the service cannot be used here, or undefined when it can. Under CI=true a missing service
 * throws (the suite fails) instead of returning a reason to skip.
 */
export async function missingService(kind: 'redis' | 'nats'): Promise<string | undefined> {
  const url = kind === 'redis' ? redisUrl : natsUrl;
  if (await reachable(url, kind === 'redis' ? 6379 : 4222)) return undefined;
  const reason = `${kind} does not answer at ${url}`;
  if (inCi) throw new Error(`${reason}; CI=true requires it`);
  return reason;
}

/** A prefix no other test run uses. */
export function randomPrefix(): string {
  return `swbtest-${randomBytes(6).toString('hex')}`;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A broker process of our own, on a fixed free port so that it can be restarted at the same address. */
export interface OwnServer {
  readonly url: string;
  /** Stops it (SIGKILL, by pid) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function ownServer(kind: 'redis' | 'nats'): Promise<OwnServer> {
  const port = await freePort();
  const url = kind === 'redis' ? `redis://127.0.0.1:${port}` : `nats://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    const spawned =
      kind === 'redis'
        ? spawn(
            'redis-server',
            ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
            { stdio: 'ignore' },
          )
        : spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    child = spawned;
    const failed = new Promise<never>((_resolve, reject) => {
      spawned.once('error', reject);
      spawned.once('exit', (code) => reject(new Error(`${kind} server exited with ${String(code)}`)));
    });
    const deadline = Date.now() + 10_000;
    // Polling the port is the only readiness signal a broker process gives.
    while (!(await Promise.race([reachable(url, port), failed]))) {
      if (Date.now() > deadline) throw new Error(`${kind} server on ${port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running?.pid === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    process.kill(running.pid, 'SIGKILL');
    await exited;
  };
  await start();
  return { url, start, stop, [Symbol.asyncDispose]: stop };
}
