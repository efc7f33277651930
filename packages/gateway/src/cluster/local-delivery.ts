/**
 * What a node does to its own connections on behalf of any node: push, describe, delete, join or
 * leave a group, and fan one frame out to many connections, counting those it reached.
 */
import { isUtf8 } from 'node:buffer';
import type { GetConnectionResponse } from '@switchboard/protocol';
import type { Connection } from '../connections/connection.js';
import type { ConnectionRegistry } from '../connections/registry.js';
import { closeReasons, type ConnectionLifecycle } from '../events/connection-lifecycle.js';
import { channels } from '../diagnostics.js';
import { GatewayError, hasCode } from '../errors.js';
import type { GroupIndex } from './group-index.js';
import { encodeCount, encodeReply, ops, replyStatus, type OwnerRequest } from './owner-protocol.js';

export interface LocalDeliveryOptions {
  readonly registry: ConnectionRegistry;
  readonly lifecycle: ConnectionLifecycle;
  readonly groups: GroupIndex;
  /** `limits.binary` is `reject`: non-UTF-8 data cannot be sent. */
  readonly rejectBinary: boolean;
}

export class LocalDelivery {
  readonly #registry: ConnectionRegistry;
  readonly #lifecycle: ConnectionLifecycle;
  readonly groups: GroupIndex;
  readonly #rejectBinary: boolean;

  constructor(options: LocalDeliveryOptions) {
    this.#rejectBinary = options.rejectBinary;
    this.#registry = options.registry;
    this.#lifecycle = options.lifecycle;
    this.groups = options.groups;
  }

  /** The open local connection `id` in `stage` ("" for any stage). */
  find(id: string, stage: string): Connection | undefined {
    const connection = this.#registry.get(id);
    return connection === undefined || (stage !== '' && connection.stage !== stage) ? undefined : connection;
  }

  /** Throws SWB_ERR_BAD_REQUEST when `data` cannot be sent to clients (non-UTF-8 while binary frames are rejected). */
  checkData(data: Buffer): void {
    if (this.#rejectBinary && !isUtf8(data)) {
      throw new GatewayError(
        'SWB_ERR_BAD_REQUEST',
        'Data is not valid UTF-8, and binary frames are off (limits.binary is "reject")',
      );
    }
  }

  /**
   * Writes `data` as one frame to each open connection, as a management push does (text frame, or
   * binary for non-UTF-8 data), deciding the frame type once; resolves with how many frames were
   * written. One callback per socket and no promise per connection, for 10,000-connection fan-outs.
   */
  fanOut(connections: Iterable<Connection>, data: Buffer): Promise<number> {
    const binary = !isUtf8(data);
    if (binary && this.#rejectBinary) return Promise.resolve(0);
    const now = Date.now();
    const publish = channels.messageOut.hasSubscribers;
    return new Promise((resolve) => {
      let reached = 0;
      let pending = 1;
      const settle = () => {
        if (--pending === 0) resolve(reached);
      };
      for (const connection of connections) {
        // A client over the high-water mark misses this frame, as a push to it would get 429.
        if (connection.socket.closing || !this.#lifecycle.sendBudget.canPush(connection)) continue;
        pending++;
        connection.lastActiveAt = now;
        connection.socket.send(data, binary, (error) => {
          if (error === undefined || error === null) reached++;
          settle();
        });
        this.#lifecycle.sendBudget.afterSend(connection);
        if (publish)
          channels.messageOut.publish({
            connectionId: connection.id,
            stage: connection.stage,
            source: 'push',
          });
      }
      settle();
    });
  }

  /** Connections of `stage` on this node. */
  *ofStage(stage: string): Iterable<Connection> {
    for (const connection of this.#registry.values()) if (connection.stage === stage) yield connection;
  }

  /** Serves one owner request from another node and encodes the reply. */
  async serve(request: OwnerRequest): Promise<Buffer> {
    if (request.op === ops.group) {
      return encodeReply(
        replyStatus.ok,
        encodeCount(await this.fanOut([...this.groups.members(request.stage, request.name)], request.data)),
      );
    }
    if (request.op === ops.broadcast)
      return encodeReply(
        replyStatus.ok,
        encodeCount(await this.fanOut([...this.ofStage(request.stage)], request.data)),
      );
    const connection = this.find(request.name, request.stage);
    if (connection === undefined) return encodeReply(replyStatus.gone);
    switch (request.op) {
      case ops.post:
        try {
          await this.#lifecycle.push(connection, request.data);
          return encodeReply(replyStatus.ok);
        } catch (error) {
          if (hasCode(error, 'SWB_ERR_CONNECTION_GONE')) return encodeReply(replyStatus.gone);
          if (hasCode(error, 'SWB_ERR_BAD_REQUEST'))
            return encodeReply(replyStatus.badRequest, Buffer.from(error.message));
          if (hasCode(error, 'SWB_ERR_SEND_BUFFER_FULL')) return encodeReply(replyStatus.bufferFull);
          return encodeReply(replyStatus.internal);
        }
      case ops.get:
        return encodeReply(replyStatus.ok, Buffer.from(JSON.stringify(describeConnection(connection))));
      case ops.delete:
        this.#lifecycle.close(connection, closeReasons.deleted.code, closeReasons.deleted.reason);
        return encodeReply(replyStatus.ok);
      case ops.join:
        this.groups.join(connection, request.group);
        return encodeReply(replyStatus.ok);
      case ops.leave:
        this.groups.leave(connection, request.group);
        return encodeReply(replyStatus.ok);
    }
  }
}

/** GetConnection's answer for a connection. */
export function describeConnection(connection: Connection): GetConnectionResponse {
  return {
    connectedAt: new Date(connection.connectedAt).toISOString(),
    identity: { sourceIp: connection.handshake.sourceIp, userAgent: connection.handshake.userAgent },
    lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
  };
}
