/**
 * The sample backend's sessions, as the reference architecture keeps them: one per connection id
 * in a SessionStore with a TTL that outlasts the longest connection, holding a message count and
 * when the connection was last seen. Any replica sharing the store carries the count on.
 */
import type { SessionStore } from '@switchboard/session-store';

/** Three hours: longer than the gateway's 2 h maximum connection, so a live session never expires. */
export const DEFAULT_SESSION_TTL_SECONDS = 3 * 60 * 60;

export interface ConnectionSession extends Record<string, unknown> {
  /** Messages received on this connection so far, this one included. */
  messages: number;
  /** Epoch ms of the first message. */
  firstSeen: number;
  /** Epoch ms of the latest message. */
  lastSeen: number;
}

export class Sessions {
  readonly #store: Promise<SessionStore>;
  /** The store once it has opened, so that a count does not wait a turn for the promise. */
  #opened: SessionStore | undefined;
  readonly #ttlSeconds: number;

  constructor(store: Promise<SessionStore>, ttlSeconds: number) {
    this.#store = store;
    // A store that failed to open fails each call that needs it; it must not crash the process.
    store.then(
      (opened) => {
        this.#opened = opened;
      },
      () => undefined,
    );
    this.#ttlSeconds = ttlSeconds;
  }

  /**
   * Counts one message in the connection's session (created with the TTL when absent), and returns
   * the count: one atomic increment, so replicas answering one connection at once lose no count.
   */
  async countMessage(connectionId: string): Promise<number> {
    const store = this.#opened ?? (await this.#store);
    const now = Date.now();
    const session = await store.increment<ConnectionSession>(connectionId, 'messages', {
      initial: { messages: 0, firstSeen: now, lastSeen: now },
      patch: { lastSeen: now },
      ttlSeconds: this.#ttlSeconds,
    });
    return session.data.messages;
  }

  /** Deletes the session; true when there was one. */
  async forget(connectionId: string): Promise<boolean> {
    return (await this.#store).delete(connectionId);
  }

  async close(): Promise<void> {
    await (await this.#store).close();
  }
}
