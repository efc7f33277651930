/**
 * A small ring buffer of each open connection's recent frames (direction, route key or source,
 * time) for the dashboard's connection details. Optional (`dashboard.recentTraffic`, 0 turns it
 * off and subscribes to nothing); a connection's entries are dropped when it closes.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { channels } from '../diagnostics.js';

export interface TrafficEntry {
  /** Epoch ms. */
  readonly at: number;
  /** `in`: a client message; `out`: a frame sent to the client. */
  readonly direction: 'in' | 'out';
  /** The route key of a message in; `reply`, `push` or `error` for a frame out. */
  readonly what: string;
}

interface ConnectionEvent {
  readonly connectionId: string;
  readonly routeKey?: string;
  readonly source?: string;
}

export class RecentTraffic {
  readonly #size: number;
  readonly #entries = new Map<string, TrafficEntry[]>();
  readonly #handlers: [string, (message: unknown) => void][] = [];

  /** @param size frames kept per connection; 0 keeps none */
  constructor(size: number) {
    this.#size = size;
    if (size === 0) return;
    this.#on(channels.messageIn.name, (event) => {
      this.#add(event.connectionId, { at: Date.now(), direction: 'in', what: event.routeKey ?? '' });
    });
    this.#on(channels.messageOut.name, (event) => {
      this.#add(event.connectionId, { at: Date.now(), direction: 'out', what: event.source ?? '' });
    });
    this.#on(channels.connectionClose.name, (event) => this.#entries.delete(event.connectionId));
  }

  /** Newest last; empty for an unknown connection or when turned off. */
  of(connectionId: string): readonly TrafficEntry[] {
    return [...(this.#entries.get(connectionId) ?? [])];
  }

  close(): void {
    for (const [name, handler] of this.#handlers.splice(0)) unsubscribe(name, handler);
    this.#entries.clear();
  }

  #on(name: string | symbol, handler: (event: ConnectionEvent) => void): void {
    const wrapped = (message: unknown) => {
      handler(message as ConnectionEvent);
    };
    subscribe(name, wrapped);
    this.#handlers.push([String(name), wrapped]);
  }

  #add(connectionId: string, entry: TrafficEntry): void {
    let list = this.#entries.get(connectionId);
    if (list === undefined) {
      list = [];
      this.#entries.set(connectionId, list);
    }
    list.push(entry);
    if (list.length > this.#size) list.shift();
  }
}
