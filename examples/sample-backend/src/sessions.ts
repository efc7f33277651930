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
  readonly #ttlSeconds: number;

  constructor(store: Promise<SessionStore>, ttlSeconds: number) {
    this.#store = store;
    // A store that failed to open fails each call that needs it; it must not crash the process.
    store.catch(() => undefined);
    this.#ttlSeconds = ttlSeconds;
  }

  /** Looks the session up (creating it with the TTL when absent), counts one message, and returns the count. */
  async countMessage(connectionId: string): Promise<number> {
    const store = await this.#store;
    const now = Date.now();
    const { session } = await store.create<ConnectionSession>(
      connectionId,
      { messages: 0, firstSeen: now, lastSeen: now },
      this.#ttlSeconds,
    );
    const messages = session.data.messages + 1;
    const updated = await store.update<ConnectionSession>(
      connectionId,
      { messages, lastSeen: now },
      this.#ttlSeconds,
    );
    // Deleted between the two calls (a $disconnect raced this message): count it anyway.
    return updated?.data.messages ?? messages;
  }

  /** Deletes the session; true when there was one. */
  async forget(connectionId: string): Promise<boolean> {
    return (await this.#store).delete(connectionId);
  }

  async close(): Promise<void> {
    await (await this.#store).close();
  }
}
