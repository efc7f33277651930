/**
 * The IPC cluster bus: the embedded bus across `cluster.workers` processes of one machine. Each
 * worker talks to the node:cluster primary over its IPC channel, and the primary's IpcHub relays.
 * Always available while the primary lives; with no responder the hub answers "gone" at once.
 */
import { GatewayError } from '../../errors.js';
import type { BusListener, BusResponder, BusSubscription, ClusterBus } from '../cluster-bus.js';
import { isBusMessage, type HubToWorker, type IpcEndpoint, type WorkerToHub } from './ipc-messages.js';

interface Pending {
  resolve(reply: Buffer): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class IpcBus implements ClusterBus {
  readonly kind = 'embedded';
  readonly available = true;
  readonly #endpoint: IpcEndpoint;
  readonly #responders = new Map<string, BusResponder>();
  readonly #topics = new Map<string, Set<BusListener>>();
  readonly #pending = new Map<number, Pending>();
  readonly #acks = new Map<number, () => void>();
  readonly #listener = (message: unknown) => {
    if (isBusMessage(message)) this.#receive(message as HubToWorker);
  };
  #next = 0;
  #closed = false;

  /** `endpoint` is the worker's `process` (default), or one end of a test channel. */
  constructor(endpoint: IpcEndpoint = process as unknown as IpcEndpoint) {
    this.#endpoint = endpoint;
    endpoint.on('message', this.#listener);
  }

  async serve(address: string, responder: BusResponder): Promise<BusSubscription> {
    this.#responders.set(address, responder);
    await this.#control('serve', address);
    return this.#subscription(async () => {
      if (this.#responders.get(address) !== responder) return;
      this.#responders.delete(address);
      await this.#control('unserve', address);
    });
  }

  request(address: string, payload: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.#closed)
      return Promise.reject(new GatewayError('SWB_ERR_CLUSTER_UNAVAILABLE', 'the IPC bus is closed'));
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new GatewayError('SWB_ERR_OWNER_TIMEOUT', `${address} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#send({ swb: 'bus', t: 'req', id, address, payload: payload.toString('base64') });
    });
  }

  publish(topic: string, payload: Buffer): Promise<void> {
    this.#send({ swb: 'bus', t: 'pub', topic, payload: payload.toString('base64') });
    return Promise.resolve();
  }

  async subscribe(topic: string, listener: BusListener): Promise<BusSubscription> {
    let listeners = this.#topics.get(topic);
    const first = listeners === undefined;
    if (listeners === undefined) this.#topics.set(topic, (listeners = new Set()));
    const own = listeners;
    const entry: BusListener = (payload) => listener(payload);
    own.add(entry);
    if (first) await this.#control('sub', topic);
    return this.#subscription(async () => {
      own.delete(entry);
      if (own.size > 0 || this.#topics.get(topic) !== own) return;
      this.#topics.delete(topic);
      await this.#control('unsub', topic);
    });
  }

  onAvailability(): void {
    // Available for as long as the primary lives; when it dies the worker exits with it.
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const address of this.#responders.keys())
      this.#send({ swb: 'bus', t: 'unserve', name: address, ack: 0 });
    for (const topic of this.#topics.keys()) this.#send({ swb: 'bus', t: 'unsub', name: topic, ack: 0 });
    this.#responders.clear();
    this.#topics.clear();
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.reject(new GatewayError('SWB_ERR_CLUSTER_UNAVAILABLE', 'the IPC bus is closed'));
    }
    this.#endpoint.off('message', this.#listener);
    return Promise.resolve();
  }

  #subscription(drop: () => Promise<void>): BusSubscription {
    let active = true;
    return {
      unsubscribe: async () => {
        if (!active || this.#closed) return;
        active = false;
        await drop();
      },
    };
  }

  /** Sends a control message and waits for the hub's acknowledgement. */
  #control(t: 'serve' | 'unserve' | 'sub' | 'unsub', name: string): Promise<void> {
    const ack = ++this.#next;
    return new Promise((resolve) => {
      this.#acks.set(ack, resolve);
      this.#send({ swb: 'bus', t, name, ack });
    });
  }

  #send(message: WorkerToHub): void {
    try {
      this.#endpoint.send(message);
    } catch {
      // The primary is gone: this worker is about to exit with it.
    }
  }

  #receive(message: HubToWorker): void {
    switch (message.t) {
      case 'ack': {
        const resolve = this.#acks.get(message.ack);
        this.#acks.delete(message.ack);
        resolve?.();
        return;
      }
      case 'pub': {
        const payload = Buffer.from(message.payload, 'base64');
        for (const listener of this.#topics.get(message.topic) ?? []) listener(payload);
        return;
      }
      case 'req': {
        const responder = this.#responders.get(message.address);
        const reply = (ok: boolean, payload: Buffer) =>
          this.#send({
            swb: 'bus',
            t: 'rep',
            id: message.id,
            to: message.from,
            ok,
            payload: payload.toString('base64'),
          });
        if (responder === undefined) {
          reply(false, Buffer.from(`nothing serves ${message.address} here`));
          return;
        }
        responder(Buffer.from(message.payload, 'base64')).then(
          (answer) => reply(true, answer),
          (error: unknown) => reply(false, Buffer.from((error as Error).message)),
        );
        return;
      }
      case 'rep': {
        const pending = this.#pending.get(message.id);
        if (pending === undefined) return;
        this.#pending.delete(message.id);
        clearTimeout(pending.timer);
        const body = Buffer.from(message.payload, 'base64');
        if (message.status === 'ok') pending.resolve(body);
        else if (message.status === 'gone')
          pending.reject(new GatewayError('SWB_ERR_CONNECTION_GONE', 'no cluster node serves the address'));
        else
          pending.reject(
            new GatewayError('SWB_ERR_INTERNAL', `the cluster node failed to answer: ${body.toString()}`),
          );
        return;
      }
    }
  }
}
