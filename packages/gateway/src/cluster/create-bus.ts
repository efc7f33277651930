/**
 * Creates the cluster bus the config names, importing its adapter (and its client library) only
 * when it is chosen: the embedded bus loads neither ioredis nor the NATS client. In a node:cluster
 * worker the embedded bus is the IPC bus through the primary.
 */
import cluster from 'node:cluster';
import type { ClusterConfig } from '../config/cluster.js';
import type { ClusterBus } from './cluster-bus.js';
import type { EmbeddedHub } from './embedded/embedded-bus.js';

export async function createClusterBus(config: ClusterConfig, hub?: EmbeddedHub): Promise<ClusterBus> {
  const kind = config.bus;
  switch (kind) {
    case 'embedded': {
      // In a worker forked by `cluster.workers`, "embedded" spans the machine: the primary relays.
      if (cluster.isWorker) {
        const { IpcBus } = await import('./ipc/ipc-bus.js');
        return new IpcBus();
      }
      const { EmbeddedBus } = await import('./embedded/embedded-bus.js');
      return new EmbeddedBus(hub);
    }
    case 'redis': {
      const { RedisBus } = await import('./redis/redis-bus.js');
      return RedisBus.connect({
        url: config.redis.url,
        prefix: config.prefix,
        reconnectMs: config.reconnectMs,
      });
    }
    case 'nats': {
      const { NatsBus } = await import('./nats/nats-bus.js');
      return NatsBus.connect({
        servers: config.nats.servers,
        prefix: config.prefix,
        reconnectMs: config.reconnectMs,
      });
    }
    default: {
      const unknown: never = kind;
      throw new Error(`unknown cluster bus ${String(unknown)}`);
    }
  }
}
