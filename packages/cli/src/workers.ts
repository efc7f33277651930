/**
 * Worker mode (`cluster.workers: N`, `--workers N`): the primary process forks N copies of the same
 * command with node:cluster, which share the client and admin ports (the primary accepts and hands
 * connections to workers round-robin). Workers form one cluster, over Redis or NATS when configured,
 * else over the IPC bus that this primary relays, so a management call reaching any worker finds a
 * connection held by another. The primary
 * prints the banner once every worker listens, restarts a worker that dies, and on SIGTERM/SIGINT
 * drains every worker.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@switchboard/gateway';
import { IpcHub } from '@switchboard/gateway/internal';

/** What a worker reports once it listens; the primary prints the banner from the first one. */
export interface WorkerReady {
  readonly type: 'switchboard:ready';
  readonly banner: string;
}

/** True in a worker forked by {@link superviseWorkers}. */
export const isWorker = cluster.isWorker;

/** In a worker: tells the primary it listens, with the banner to print. */
export function reportReady(banner: string): void {
  const message: WorkerReady = { type: 'switchboard:ready', banner };
  process.send?.(message);
}

/**
 * In the primary: forks `count` workers running this same command, and keeps them running until
 * SIGTERM/SIGINT, which is passed to every worker; resolves when all have exited.
 */
export function superviseWorkers(count: number, logger: Logger): void {
  let stopping = false;
  let ready = 0;
  // The embedded bus of workers: the primary relays their cluster messages (unused with Redis or NATS).
  const hub = new IpcHub();
  const fork = (): Worker => {
    const worker = cluster.fork();
    hub.attach(worker.id, worker);
    worker.on('message', (message: Partial<WorkerReady>) => {
      if (message.type !== 'switchboard:ready') return;
      // The banner waits for every worker, so that the first connections already spread over all.
      if (++ready !== count) return;
      const pids = Object.values(cluster.workers ?? {}).map((w) => String(w?.process.pid));
      process.stdout.write(
        `${(message.banner ?? '').trimEnd()}\n  workers     ${count} processes (pids ${pids.join(', ')})\n`,
      );
    });
    return worker;
  };
  for (let i = 0; i < count; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    hub.detach(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'a gateway worker died: starting another');
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: stopping workers now');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, workers: count }, 'draining every worker');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
