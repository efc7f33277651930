/**
 * The NATS cluster bus, through `@nats-io/transport-node`: requests use NATS request/reply (its
 * "no responders" answer means nobody serves the address: 410 fast), topics are plain subjects.
 * While disconnected, calls fail at once instead of being buffered; the client reconnects forever
 * and re-creates its subscriptions itself.
 */
import { connect, errors, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { GatewayError } from '../../errors.js';
import type { BusListener, BusResponder, BusSubscription, ClusterBus } from '../cluster-bus.js';

export interface NatsBusOptions {
  /** Server URLs, e.g. `nats://127.0.0.1:4222`. */
  readonly servers: readonly string[];
  /** Prefix of every subject, so clusters can share one NATS. */
  readonly prefix: string;
  /** Wait between reconnect attempts. */
  readonly reconnectMs: number;
}

/** First byte of a reply: the responder answered, or it threw. */
const OK = Buffer.of(0);
const FAILED = Buffer.of(1);

export class NatsBus implements ClusterBus {
  readonly kind = 'nats';
  readonly #connection: NatsConnection;
  readonly #prefix: string;
  readonly #availabilityListeners: ((available: boolean) => void)[] = [];
  #available = true;

  private constructor(connection: NatsConnection, prefix: string) {
    this.#connection = connection;
    this.#prefix = prefix;
    void this.#watchStatus();
  }

  /** Connects; rejects when no server can be reached at start. */
  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    try {
      const connection = await connect({
        servers: [...options.servers],
        maxReconnectAttempts: -1,
        reconnectTimeWait: options.reconnectMs,
        reconnectJitter: 0,
        pingInterval: 2_000,
        maxPingOut: 2,
        name: 'switchboard-gateway',
      });
      return new NatsBus(connection, options.prefix);
    } catch (error) {
      throw new GatewayError(
        'SWB_ERR_CLUSTER_UNAVAILABLE',
        `cannot reach NATS at ${options.servers.join(', ')}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  get available(): boolean {
    return this.#available && !this.#connection.isClosed();
  }

  async serve(address: string, responder: BusResponder): Promise<BusSubscription> {
    const subscription = this.#connection.subscribe(this.#subject(address), {
      callback: (error, message) => {
        if (error !== null) return;
        responder(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength)).then(
          (reply) => message.respond(Buffer.concat([OK, reply])),
          (failure: unknown) =>
            message.respond(Buffer.concat([FAILED, Buffer.from((failure as Error).message)])),
        );
      },
    });
    await this.#flush();
    return wrap(subscription);
  }

  async request(address: string, payload: Buffer, timeoutMs: number): Promise<Buffer> {
    if (!this.available) throw unavailable();
    let failure: GatewayError;
    try {
      const reply = await this.#connection.request(this.#subject(address), payload, { timeout: timeoutMs });
      const bytes = Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength);
      if (bytes[0] === OK[0]) return bytes.subarray(1);
      failure = new GatewayError(
        'SWB_ERR_INTERNAL',
        `the cluster node failed to answer: ${bytes.subarray(1).toString()}`,
      );
    } catch (error) {
      if (error instanceof errors.TimeoutError)
        throw new GatewayError('SWB_ERR_OWNER_TIMEOUT', `${address} did not answer within ${timeoutMs} ms`, {
          cause: error,
        });
      if (
        error instanceof errors.NoRespondersError ||
        (error instanceof errors.RequestError && error.isNoResponders())
      ) {
        throw new GatewayError('SWB_ERR_CONNECTION_GONE', `no cluster node serves ${address}`, {
          cause: error,
        });
      }
      throw unavailable(error);
    }
    throw failure;
  }

  publish(topic: string, payload: Buffer): Promise<void> {
    if (!this.available) return Promise.reject(unavailable());
    try {
      this.#connection.publish(this.#subject(topic), payload);
    } catch (error) {
      return Promise.reject(unavailable(error));
    }
    return Promise.resolve();
  }

  async subscribe(topic: string, listener: BusListener): Promise<BusSubscription> {
    const subscription = this.#connection.subscribe(this.#subject(topic), {
      callback: (error, message) => {
        if (error === null)
          listener(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
      },
    });
    await this.#flush();
    return wrap(subscription);
  }

  /** Waits until the server has seen our subscriptions, so a message published next reaches them. */
  async #flush(): Promise<void> {
    try {
      await this.#connection.flush();
    } catch {
      // While disconnected the client re-creates subscriptions on reconnect.
    }
  }

  onAvailability(listener: (available: boolean) => void): void {
    this.#availabilityListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.#connection.isClosed()) return;
    await this.#connection.close();
  }

  async #watchStatus(): Promise<void> {
    for await (const status of this.#connection.status()) {
      if (status.type === 'disconnect') this.#setAvailable(false);
      else if (status.type === 'reconnect') this.#setAvailable(true);
      else if (status.type === 'close') this.#setAvailable(false);
    }
  }

  #setAvailable(available: boolean): void {
    if (this.#available === available) return;
    this.#available = available;
    for (const listener of this.#availabilityListeners) listener(available);
  }

  #subject(name: string): string {
    return `${this.#prefix}.${name}`;
  }
}

function wrap(subscription: Subscription): BusSubscription {
  return {
    unsubscribe: () => {
      if (!subscription.isClosed()) subscription.unsubscribe();
      return Promise.resolve();
    },
  };
}

function unavailable(cause?: unknown): GatewayError {
  return new GatewayError(
    'SWB_ERR_CLUSTER_UNAVAILABLE',
    'the cluster bus (NATS) is unreachable',
    cause === undefined ? undefined : { cause },
  );
}
