/**
 * The Redis cluster bus, on pub/sub through ioredis. A request is published on the address's channel
 * with a reply channel in front; PUBLISH's receiver count of 0 means nobody serves it (410 fast, even
 * just after a node was killed). Commands fail at once while Redis is down (no offline queue);
 * ioredis reconnects and resubscribes by itself.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { GatewayError } from '../../errors.js';
import type { BusListener, BusResponder, BusSubscription, ClusterBus } from '../cluster-bus.js';

export interface RedisBusOptions {
  /** `redis://[user:pass@]host:port[/db]`. */
  readonly url: string;
  /** Prefix of every channel, so clusters can share one Redis. */
  readonly prefix: string;
  /** Wait between reconnect attempts. */
  readonly reconnectMs: number;
}

const REQUEST = 0;
const REPLY = 1;
const FAILURE = 2;

interface Pending {
  resolve(reply: Buffer): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class RedisBus implements ClusterBus {
  readonly kind = 'redis';
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #replyChannel: string;
  readonly #handlers = new Map<string, Set<(payload: Buffer) => void>>();
  /** The SUBSCRIBE in flight or done for each channel with handlers, so later subscriptions wait for it. */
  readonly #subscribed = new Map<string, Promise<unknown>>();
  readonly #pending = new Map<number, Pending>();
  readonly #availabilityListeners: ((available: boolean) => void)[] = [];
  #nextId = 0;
  #available = false;
  #closed = false;

  private constructor(options: RedisBusOptions) {
    this.#prefix = options.prefix;
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => options.reconnectMs,
    } as const;
    this.#commands = new Redis(options.url, common);
    // The subscriber must queue its SUBSCRIBE commands until connected, and resubscribe after a reconnect.
    this.#subscriber = new Redis(options.url, { ...common, enableOfflineQueue: true, autoResubscribe: true });
    this.#replyChannel = `${this.#prefix}:reply:${randomBytes(8).toString('hex')}`;
    for (const client of [this.#commands, this.#subscriber]) {
      client.on('ready', () => this.#updateAvailability());
      client.on('close', () => this.#updateAvailability());
      client.on('end', () => this.#updateAvailability());
      // Connection errors are reported through availability; ioredis keeps retrying.
      client.on('error', () => undefined);
    }
    this.#subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const handlers = this.#handlers.get(channel.toString());
      if (handlers !== undefined) for (const handler of handlers) handler(message);
    });
    this.#handlers.set(this.#replyChannel, new Set([(message: Buffer) => this.#onReply(message)]));
  }

  /** Connects both clients; rejects when Redis cannot be reached at start. */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const bus = new RedisBus(options);
    try {
      await Promise.all([bus.#commands.connect(), bus.#subscriber.connect()]);
      await bus.#subscriber.subscribe(bus.#replyChannel);
    } catch (error) {
      await bus.close();
      throw new GatewayError(
        'SWB_ERR_CLUSTER_UNAVAILABLE',
        `cannot reach Redis at ${redactUrl(options.url)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    bus.#updateAvailability();
    return bus;
  }

  get available(): boolean {
    return this.#available;
  }

  async serve(address: string, responder: BusResponder): Promise<BusSubscription> {
    return this.#listen(address, (message) => {
      if (message.length < 6 || message[0] !== REQUEST) return;
      const id = message.readUInt32BE(1);
      const replyLength = message[5] ?? 0;
      const replyTo = message.toString('utf8', 6, 6 + replyLength);
      const payload = message.subarray(6 + replyLength);
      responder(payload).then(
        (reply) => this.#send(replyTo, frame(REPLY, id, reply)),
        (error: unknown) => this.#send(replyTo, frame(FAILURE, id, Buffer.from((error as Error).message))),
      );
    });
  }

  async request(address: string, payload: Buffer, timeoutMs: number): Promise<Buffer> {
    if (!this.#available) throw unavailable();
    const id = (this.#nextId = (this.#nextId + 1) >>> 0);
    const reply = Buffer.from(this.#replyChannel);
    const header = Buffer.allocUnsafe(6);
    header[0] = REQUEST;
    header.writeUInt32BE(id, 1);
    header[5] = reply.length;
    const message = Buffer.concat([header, reply, payload]);
    const answer = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new GatewayError('SWB_ERR_OWNER_TIMEOUT', `${address} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
    });
    let receivers: number;
    try {
      receivers = await this.#commands.publish(this.#channel(address), message);
    } catch (error) {
      this.#settle(id)?.reject(unavailable(error));
      return answer;
    }
    if (receivers === 0)
      this.#settle(id)?.reject(
        new GatewayError('SWB_ERR_CONNECTION_GONE', `no cluster node serves ${address}`),
      );
    return answer;
  }

  async publish(topic: string, payload: Buffer): Promise<void> {
    if (!this.#available) throw unavailable();
    try {
      await this.#commands.publish(this.#channel(topic), payload);
    } catch (error) {
      throw unavailable(error);
    }
  }

  subscribe(topic: string, listener: BusListener): Promise<BusSubscription> {
    return this.#listen(topic, listener);
  }

  onAvailability(listener: (available: boolean) => void): void {
    this.#availabilityListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id] of this.#pending) this.#settle(id)?.reject(unavailable());
    this.#commands.disconnect();
    this.#subscriber.disconnect();
    this.#updateAvailability();
    await Promise.resolve();
  }

  async #listen(name: string, handler: (payload: Buffer) => void): Promise<BusSubscription> {
    const channel = this.#channel(name);
    // Each subscription is its own entry, even when the same function subscribes twice.
    const entry = (payload: Buffer) => handler(payload);
    let handlers = this.#handlers.get(channel);
    const first = handlers === undefined;
    if (handlers === undefined) this.#handlers.set(channel, (handlers = new Set()));
    handlers.add(entry);
    const own = handlers;
    const drop = async () => {
      own.delete(entry);
      if (own.size > 0 || this.#handlers.get(channel) !== own) return;
      this.#handlers.delete(channel);
      this.#subscribed.delete(channel);
      if (this.#subscriber.status === 'ready')
        await this.#subscriber.unsubscribe(channel).catch(() => undefined);
    };
    if (first) this.#subscribed.set(channel, this.#subscriber.subscribe(channel));
    try {
      await this.#subscribed.get(channel);
    } catch (error) {
      await drop();
      throw unavailable(error);
    }
    let active = true;
    return {
      unsubscribe: async () => {
        if (!active) return;
        active = false;
        await drop();
      },
    };
  }

  #send(channel: string, message: Buffer): void {
    // A lost reply shows up as a timeout at the requester.
    this.#commands.publish(channel, message).catch(() => undefined);
  }

  #onReply(message: Buffer): void {
    if (message.length < 5) return;
    const pending = this.#settle(message.readUInt32BE(1));
    if (pending === undefined) return;
    const body = message.subarray(5);
    if (message[0] === REPLY) pending.resolve(body);
    else
      pending.reject(
        new GatewayError('SWB_ERR_INTERNAL', `the cluster node failed to answer: ${body.toString()}`),
      );
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }

  #channel(name: string): string {
    return `${this.#prefix}:${name}`;
  }

  #updateAvailability(): void {
    const available =
      !this.#closed && this.#commands.status === 'ready' && this.#subscriber.status === 'ready';
    if (available === this.#available) return;
    this.#available = available;
    for (const listener of this.#availabilityListeners) listener(available);
  }
}

function frame(kind: number, id: number, body: Buffer): Buffer {
  const header = Buffer.allocUnsafe(5);
  header[0] = kind;
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

function unavailable(cause?: unknown): GatewayError {
  return new GatewayError(
    'SWB_ERR_CLUSTER_UNAVAILABLE',
    'the cluster bus (Redis) is unreachable',
    cause === undefined ? undefined : { cause },
  );
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
