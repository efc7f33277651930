/**
 * Runs the cluster bus conformance suite against every adapter: embedded (one hub), IPC (through an
 * IpcHub, over in-memory channels that serialize like node:cluster's), Redis at REDIS_URL and NATS
 * at NATS_URL, each pair joined by a random prefix.
 */
import { EventEmitter } from 'node:events';
import { EmbeddedBus, EmbeddedHub } from '../../src/cluster/embedded/embedded-bus.js';
import { IpcBus } from '../../src/cluster/ipc/ipc-bus.js';
import { IpcHub } from '../../src/cluster/ipc/ipc-hub.js';
import type { IpcEndpoint } from '../../src/cluster/ipc/ipc-messages.js';
import { NatsBus } from '../../src/cluster/nats/nats-bus.js';
import { RedisBus } from '../../src/cluster/redis/redis-bus.js';
import { clusterBusConformance } from '../conformance/cluster-bus.case.js';
import { missingService, natsUrl, randomPrefix, redisUrl } from '../helpers/cluster-services.js';

clusterBusConformance('embedded', () => {
  const hub = new EmbeddedHub();
  const a = new EmbeddedBus(hub);
  const b = new EmbeddedBus(hub);
  return Promise.resolve({
    a,
    b,
    close: async () => {
      await Promise.all([a.close(), b.close()]);
    },
  });
});

/** Both ends of an IPC channel: messages cross as JSON, asynchronously, as between processes. */
function channel(): { worker: IpcEndpoint; primary: IpcEndpoint } {
  const toWorker = new EventEmitter();
  const toPrimary = new EventEmitter();
  const deliver = (target: EventEmitter, message: unknown) => {
    const copy: unknown = JSON.parse(JSON.stringify(message));
    setImmediate(() => target.emit('message', copy));
    return true;
  };
  return {
    worker: {
      send: (message) => deliver(toPrimary, message),
      on: (event, listener) => toWorker.on(event, listener),
      off: (event, listener) => toWorker.off(event, listener),
    },
    primary: {
      send: (message) => deliver(toWorker, message),
      on: (event, listener) => toPrimary.on(event, listener),
      off: (event, listener) => toPrimary.off(event, listener),
    },
  };
}

clusterBusConformance('ipc (workers)', () => {
  const hub = new IpcHub();
  const [one, two] = [channel(), channel()];
  hub.attach(1, one.primary);
  hub.attach(2, two.primary);
  const a = new IpcBus(one.worker);
  const b = new IpcBus(two.worker);
  return Promise.resolve({
    a,
    b,
    close: async () => {
      await Promise.all([a.close(), b.close()]);
      hub.detach(1);
      hub.detach(2);
    },
  });
});

clusterBusConformance(
  'redis',
  async () => {
    const prefix = randomPrefix();
    const a = await RedisBus.connect({ url: redisUrl, prefix, reconnectMs: 50 });
    const b = await RedisBus.connect({ url: redisUrl, prefix, reconnectMs: 50 });
    return {
      a,
      b,
      close: async () => {
        await Promise.all([a.close(), b.close()]);
      },
    };
  },
  await missingService('redis'),
);

clusterBusConformance(
  'nats',
  async () => {
    const prefix = randomPrefix();
    const a = await NatsBus.connect({ servers: [natsUrl], prefix, reconnectMs: 50 });
    const b = await NatsBus.connect({ servers: [natsUrl], prefix, reconnectMs: 50 });
    return {
      a,
      b,
      close: async () => {
        await Promise.all([a.close(), b.close()]);
      },
    };
  },
  await missingService('nats'),
);
