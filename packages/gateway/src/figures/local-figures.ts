/**
 * Figures of one gateway node: open connections come straight from its ConnectionRegistry, the
 * message rate from the `switchboard:message:in` diagnostics channel, `$connect` attempts from
 * `switchboard:connect:request`, and activity changes from those and the connection open/close
 * channels. Events of connections this registry does not hold (another gateway in the same process)
 * are ignored; attempts carry no connection, so they are counted for the configured stages only.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ConnectionRegistry } from '../connections/registry.js';
import { channels } from '../diagnostics.js';
import { ALL_STAGES, type ActivityChange, type Figures, type StageFigures } from './figures.js';
import { SlidingWindowCounter } from './sliding-window.js';

export interface LocalFiguresOptions {
  /** The stages to report even while nobody is connected to them. */
  readonly stages: readonly string[];
  /** Sliding window of the message rate, in milliseconds. @default 60000 */
  readonly windowMs?: number;
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  readonly now?: () => number;
}

interface ConnectionEvent {
  readonly connectionId: string;
  readonly stage: string;
}

export class LocalFigures implements Figures {
  readonly scope = 'node';
  readonly windowMs: number;
  readonly #registry: ConnectionRegistry;
  readonly #now: () => number;
  readonly #rates = new Map<string, SlidingWindowCounter>();
  readonly #total: SlidingWindowCounter;
  readonly #attempts = new Map<string, SlidingWindowCounter>();
  /** Per stage, the timer that re-checks activity once its last attempt has left the window. */
  readonly #attemptExpiry = new Map<string, NodeJS.Timeout>();
  readonly #active = new Set<string>();
  readonly #listeners = new Set<(change: ActivityChange) => void>();
  #closed = false;

  readonly #onMessage = (message: unknown): void => {
    const { connectionId, stage } = message as ConnectionEvent;
    if (this.#registry.get(connectionId) === undefined) return;
    const at = this.#now();
    this.#rate(stage).add(1, at);
    this.#total.add(1, at);
  };

  readonly #onOpen = (message: unknown): void => {
    const { connectionId, stage } = message as ConnectionEvent;
    if (this.#registry.get(connectionId) === undefined) return;
    this.#checkActivity(stage);
  };

  readonly #onConnectRequest = (message: unknown): void => {
    const { stage } = message as { readonly stage: string };
    const attempts = this.#attempts.get(stage);
    if (attempts === undefined) return;
    attempts.add();
    clearTimeout(this.#attemptExpiry.get(stage));
    const timer = setTimeout(() => {
      this.#attemptExpiry.delete(stage);
      this.#checkActivity(stage);
    }, this.windowMs + 1);
    timer.unref();
    this.#attemptExpiry.set(stage, timer);
    this.#checkActivity(stage);
  };

  readonly #onClose = (message: unknown): void => {
    this.#checkActivity((message as ConnectionEvent).stage);
  };

  constructor(registry: ConnectionRegistry, options: LocalFiguresOptions) {
    this.#registry = registry;
    this.windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#total = new SlidingWindowCounter(this.windowMs, this.#now);
    for (const stage of options.stages) {
      this.#rate(stage);
      this.#attempts.set(stage, new SlidingWindowCounter(this.windowMs, this.#now));
    }
    subscribe(channels.connectRequest.name, this.#onConnectRequest);
    subscribe(channels.messageIn.name, this.#onMessage);
    subscribe(channels.connectionOpen.name, this.#onOpen);
    subscribe(channels.connectionClose.name, this.#onClose);
  }

  /** The synchronous form of `read`, for node-local readers such as Prometheus gauges. */
  readNow(stage?: string): StageFigures {
    if (stage === undefined) {
      let connectAttempts = 0;
      for (const attempts of this.#attempts.values()) connectAttempts += attempts.count();
      return {
        stage: ALL_STAGES,
        connections: this.#registry.size,
        messagesPerSecond: this.#total.perSecond(),
        connectAttempts,
      };
    }
    return {
      stage,
      connections: this.#registry.countForStage(stage),
      messagesPerSecond: this.#rates.get(stage)?.perSecond() ?? 0,
      connectAttempts: this.#attempts.get(stage)?.count() ?? 0,
    };
  }

  read(stage?: string): Promise<StageFigures> {
    return Promise.resolve(this.readNow(stage));
  }

  /** The synchronous form of `readAll`. */
  readAllNow(): StageFigures[] {
    return [...this.#rates.keys()].map((stage) => this.readNow(stage));
  }

  readAll(): Promise<readonly StageFigures[]> {
    return Promise.resolve(this.readAllNow());
  }

  onActivityChange(listener: (change: ActivityChange) => void): () => void {
    if (!this.#closed) this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    for (const timer of this.#attemptExpiry.values()) clearTimeout(timer);
    this.#attemptExpiry.clear();
    unsubscribe(channels.connectRequest.name, this.#onConnectRequest);
    unsubscribe(channels.messageIn.name, this.#onMessage);
    unsubscribe(channels.connectionOpen.name, this.#onOpen);
    unsubscribe(channels.connectionClose.name, this.#onClose);
  }

  #rate(stage: string): SlidingWindowCounter {
    let counter = this.#rates.get(stage);
    if (counter === undefined) {
      counter = new SlidingWindowCounter(this.windowMs, this.#now);
      this.#rates.set(stage, counter);
    }
    return counter;
  }

  #checkActivity(stage: string): void {
    const active = this.#registry.countForStage(stage) > 0 || (this.#attempts.get(stage)?.count() ?? 0) > 0;
    if (active === this.#active.has(stage)) return;
    if (active) this.#active.add(stage);
    else this.#active.delete(stage);
    const change: ActivityChange = { stage, active };
    for (const listener of this.#listeners) listener(change);
  }
}
