/**
 * The IPC bus hub, run by the node:cluster primary: it relays requests to the worker that serves an
 * address (answering "gone" at once when none does), replies back to the requester, and publishes to
 * every worker subscribed to a topic. A worker that exits loses its addresses and subscriptions.
 */
import { isBusMessage, type HubToWorker, type IpcEndpoint, type WorkerToHub } from './ipc-messages.js';

export class IpcHub {
  readonly #workers = new Map<number, IpcEndpoint>();
  readonly #listeners = new Map<number, (message: unknown) => void>();
  readonly #servers = new Map<string, number>();
  readonly #topics = new Map<string, Set<number>>();

  /** Starts relaying for a worker, known by a number unique in this hub. */
  attach(workerId: number, endpoint: IpcEndpoint): void {
    const listener = (message: unknown) => {
      if (isBusMessage(message)) this.#receive(workerId, message as WorkerToHub);
    };
    this.#workers.set(workerId, endpoint);
    this.#listeners.set(workerId, listener);
    endpoint.on('message', listener);
  }

  /** Forgets a worker that exited. */
  detach(workerId: number): void {
    const endpoint = this.#workers.get(workerId);
    const listener = this.#listeners.get(workerId);
    if (endpoint !== undefined && listener !== undefined) endpoint.off('message', listener);
    this.#workers.delete(workerId);
    this.#listeners.delete(workerId);
    for (const [address, owner] of this.#servers) if (owner === workerId) this.#servers.delete(address);
    for (const members of this.#topics.values()) members.delete(workerId);
  }

  #send(workerId: number, message: HubToWorker): void {
    try {
      this.#workers.get(workerId)?.send(message);
    } catch {
      // The worker is exiting; its exit detaches it.
    }
  }

  #receive(from: number, message: WorkerToHub): void {
    switch (message.t) {
      case 'serve':
        this.#servers.set(message.name, from);
        this.#send(from, { swb: 'bus', t: 'ack', ack: message.ack });
        return;
      case 'unserve':
        if (this.#servers.get(message.name) === from) this.#servers.delete(message.name);
        this.#send(from, { swb: 'bus', t: 'ack', ack: message.ack });
        return;
      case 'sub': {
        let members = this.#topics.get(message.name);
        if (members === undefined) this.#topics.set(message.name, (members = new Set()));
        members.add(from);
        this.#send(from, { swb: 'bus', t: 'ack', ack: message.ack });
        return;
      }
      case 'unsub':
        this.#topics.get(message.name)?.delete(from);
        this.#send(from, { swb: 'bus', t: 'ack', ack: message.ack });
        return;
      case 'req': {
        const owner = this.#servers.get(message.address);
        if (owner === undefined)
          this.#send(from, { swb: 'bus', t: 'rep', id: message.id, status: 'gone', payload: '' });
        else
          this.#send(owner, {
            swb: 'bus',
            t: 'req',
            id: message.id,
            from,
            address: message.address,
            payload: message.payload,
          });
        return;
      }
      case 'rep':
        this.#send(message.to, {
          swb: 'bus',
          t: 'rep',
          id: message.id,
          status: message.ok ? 'ok' : 'fail',
          payload: message.payload,
        });
        return;
      case 'pub':
        for (const member of this.#topics.get(message.topic) ?? [])
          this.#send(member, { swb: 'bus', t: 'pub', topic: message.topic, payload: message.payload });
        return;
    }
  }
}
