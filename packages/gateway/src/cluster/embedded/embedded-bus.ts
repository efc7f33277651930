/**
 * The embedded cluster bus: an in-process hub. One gateway node alone uses its own hub; tests join
 * several in-process buses to one hub. It is always available and needs no external service.
 */
import { GatewayError } from '../../errors.js';
import type { BusListener, BusResponder, BusSubscription, ClusterBus } from '../cluster-bus.js';

/** What buses of one process share: responders by address and listeners by topic. */
export class EmbeddedHub {
  readonly responders = new Map<string, BusResponder>();
  readonly topics = new Map<string, Set<BusListener>>();
}

export class EmbeddedBus implements ClusterBus {
  readonly kind = 'embedded';
  readonly available = true;
  readonly #hub: EmbeddedHub;
  readonly #subscriptions = new Set<BusSubscription>();

  constructor(hub: EmbeddedHub = new EmbeddedHub()) {
    this.#hub = hub;
  }

  serve(address: string, responder: BusResponder): Promise<BusSubscription> {
    this.#hub.responders.set(address, responder);
    return Promise.resolve(
      this.#track(() => {
        if (this.#hub.responders.get(address) === responder) this.#hub.responders.delete(address);
      }),
    );
  }

  async request(address: string, payload: Buffer, timeoutMs: number): Promise<Buffer> {
    const responder = this.#hub.responders.get(address);
    if (responder === undefined)
      throw new GatewayError('SWB_ERR_CONNECTION_GONE', `no cluster node serves ${address}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new GatewayError('SWB_ERR_OWNER_TIMEOUT', `${address} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      const reply = responder(Buffer.from(payload)).catch((error: unknown) => {
        throw new GatewayError('SWB_ERR_INTERNAL', `${address} failed to answer`, { cause: error });
      });
      return await Promise.race([reply, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  publish(topic: string, payload: Buffer): Promise<void> {
    const listeners = this.#hub.topics.get(topic);
    if (listeners !== undefined) {
      for (const listener of [...listeners]) queueMicrotask(() => listener(Buffer.from(payload)));
    }
    return Promise.resolve();
  }

  subscribe(topic: string, listener: BusListener): Promise<BusSubscription> {
    let listeners = this.#hub.topics.get(topic);
    if (listeners === undefined) this.#hub.topics.set(topic, (listeners = new Set()));
    const own = listeners;
    // The same function may subscribe twice: wrap it so each subscription is its own entry.
    const entry: BusListener = (payload) => listener(payload);
    own.add(entry);
    return Promise.resolve(this.#track(() => own.delete(entry)));
  }

  onAvailability(): void {
    // Always available: nothing ever changes.
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.unsubscribe()));
  }

  #track(remove: () => void): BusSubscription {
    const subscription: BusSubscription = {
      unsubscribe: () => {
        this.#subscriptions.delete(subscription);
        remove();
        return Promise.resolve();
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }
}
