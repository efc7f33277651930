/**
 * The connection registry of one gateway node: the connections that exist (their `$connect`
 * has returned and they have not closed), by id, in registration order, with counts per stage.
 */
import type { Connection } from './connection.js';

export interface Page {
  readonly items: Connection[];
  /** Sequence number to resume after, absent on the last page. */
  readonly next?: number;
}

export class ConnectionRegistry {
  readonly #byId = new Map<string, Connection>();
  readonly #perStage = new Map<string, number>();
  #sequence = 0;
  #emptyWaiters: (() => void)[] = [];

  /** Next registration sequence number. */
  nextSequence(): number {
    return ++this.#sequence;
  }

  add(connection: Connection): void {
    this.#byId.set(connection.id, connection);
    this.#perStage.set(connection.stage, (this.#perStage.get(connection.stage) ?? 0) + 1);
  }

  /** Removes the connection; false when it was not registered. */
  delete(connection: Connection): boolean {
    if (this.#byId.get(connection.id) !== connection) return false;
    this.#byId.delete(connection.id);
    this.#perStage.set(connection.stage, (this.#perStage.get(connection.stage) ?? 1) - 1);
    if (this.#byId.size === 0 && this.#emptyWaiters.length > 0) {
      const waiters = this.#emptyWaiters;
      this.#emptyWaiters = [];
      for (const resolve of waiters) resolve();
    }
    return true;
  }

  /** Resolves once no connection is registered. */
  async whenEmpty(): Promise<void> {
    if (this.#byId.size === 0) return;
    await new Promise<void>((resolve) => this.#emptyWaiters.push(resolve));
  }

  get(id: string): Connection | undefined {
    return this.#byId.get(id);
  }

  get size(): number {
    return this.#byId.size;
  }

  /** Open connections of one stage. */
  countForStage(stage: string): number {
    return this.#perStage.get(stage) ?? 0;
  }

  values(): IterableIterator<Connection> {
    return this.#byId.values();
  }

  /** Up to `limit` connections of `stage` registered after sequence `after`, oldest first. */
  page(stage: string | undefined, limit: number, after = 0): Page {
    const items: Connection[] = [];
    for (const connection of this.#byId.values()) {
      if (connection.sequence <= after || (stage !== undefined && connection.stage !== stage)) continue;
      if (items.length === limit) return { items, next: items[items.length - 1]?.sequence ?? after };
      items.push(connection);
    }
    return { items };
  }
}
