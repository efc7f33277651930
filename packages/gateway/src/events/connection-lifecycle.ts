/**
 * A connection from open to close: registers it once `$connect` accepted, feeds its messages to the
 * dispatcher, pushes management API data to it, closes it (DELETE, timers, limits, shutdown), and on
 * close removes it from the registry at once (so pushes get 410) and sends `$disconnect` after its
 * last queued message.
 */
import { isUtf8 } from 'node:buffer';
import { Connection, slimHandshake } from '../connections/connection.js';
import { channels } from '../diagnostics.js';
import { GatewayError } from '../errors.js';
import type { ClientSocket } from '../transport/client-socket.js';
import type { PendingConnection } from './connect.js';
import { DisconnectNotifier } from './disconnect-notifier.js';
import type { GatewayContext } from './gateway-context.js';
import { MessageDispatcher } from './message-dispatcher.js';
import { SendBudget } from '../backpressure/send-budget.js';

/** Close codes and reasons the gateway itself uses. */
export const closeReasons = {
  goingAway: { code: 1001, reason: 'Going away' },
  deleted: { code: 1000, reason: '' },
  frameTooLarge: { code: 1009, reason: 'Frame too large' },
  binaryRejected: { code: 1003, reason: 'Binary frames are not accepted' },
  slowConsumer: { code: 1013, reason: 'Client reads too slowly' },
} as const;

export class ConnectionLifecycle {
  readonly #ctx: GatewayContext;
  readonly #dispatcher: MessageDispatcher;
  readonly disconnects: DisconnectNotifier;
  readonly #rejectBinary: boolean;
  /** Slow-consumer limits (`backpressure`), applied to every frame sent to a client. */
  readonly sendBudget: SendBudget;

  constructor(ctx: GatewayContext) {
    this.#ctx = ctx;
    this.#rejectBinary = ctx.config.limits.binary === 'reject';
    this.disconnects = new DisconnectNotifier(ctx);
    this.sendBudget = new SendBudget(ctx.config.backpressure, (connection) => {
      ctx.logger.info({ connectionId: connection.id, bufferedBytes: connection.socket.bufferedAmount, code: 'SWB_ERR_SLOW_CONSUMER' }, 'closing a client that reads too slowly');
      this.close(connection, closeReasons.slowConsumer.code, closeReasons.slowConsumer.reason);
    });
    this.#dispatcher = new MessageDispatcher(
      ctx,
      (connection) => {
        this.#notifyDisconnect(connection);
      },
      this.sendBudget,
    );
  }

  /** Registers a connection whose handshake completed. */
  open(pending: PendingConnection, socket: ClientSocket): Connection {
    const connection = new Connection(pending.id, pending.stage, pending.connectedAt, slimHandshake(pending.handshake), socket, this.#ctx.registry.nextSequence());
    connection.authorizer = pending.authorizer;
    this.#ctx.registry.add(connection);
    if (pending.joinGroups !== undefined) for (const group of pending.joinGroups) this.#ctx.groups?.join(connection, group);
    if (channels.connectionOpen.hasSubscribers) channels.connectionOpen.publish({ connectionId: connection.id, stage: connection.stage });
    return connection;
  }

  message(connection: Connection, data: Buffer, binary: boolean): void {
    // Checked first: on resume from a pause, peers may already count this node's clients gone.
    if (this.#ctx.selfFence?.fencedNow() === true) return;
    if (connection.closed !== undefined || connection.socket.closing) return;
    if (binary && this.#rejectBinary) {
      this.close(connection, closeReasons.binaryRejected.code, closeReasons.binaryRejected.reason);
      return;
    }
    this.#dispatcher.receive(connection, data, binary);
  }

  /** The socket closed, whoever closed it. */
  closed(connection: Connection, code: number, reason: string): void {
    if (connection.closed !== undefined) return;
    connection.closed = connection.closeRequested ?? { code, reason };
    this.#ctx.registry.delete(connection);
    this.#ctx.groups?.leaveAll(connection);
    if (channels.connectionClose.hasSubscribers) channels.connectionClose.publish({ connectionId: connection.id, stage: connection.stage, ...connection.closed });
    if (!this.#dispatcher.closed(connection)) this.#notifyDisconnect(connection);
  }

  /** Records the code a socket is being closed with by someone else (ws on a protocol error). */
  closingWith(connection: Connection, code: number, reason: string): void {
    connection.closeRequested ??= { code, reason };
  }

  /** Closes the connection from the gateway side with `code`. */
  close(connection: Connection, code: number, reason: string): void {
    if (connection.socket.closing) return;
    connection.closeRequested = { code, reason };
    connection.socket.close(code, reason);
  }

  /**
   * Sends one management API push as a text frame, or as a binary frame when `data` is not UTF-8 and
   * binary frames are accepted. Rejects with SWB_ERR_CONNECTION_GONE when the socket is closing, and
   * with SWB_ERR_BAD_REQUEST for non-UTF-8 data while binary frames are rejected (a text frame with
   * invalid UTF-8 would make the client drop the connection with 1007), and with
   * SWB_ERR_SEND_BUFFER_FULL while the client's send buffer is above `backpressure.highWaterBytes`.
   */
  async push(connection: Connection, data: Buffer): Promise<void> {
    if (this.#ctx.selfFence?.fencedNow() === true || connection.socket.closing) throw new GatewayError('SWB_ERR_CONNECTION_GONE', `connection ${connection.id} is closing`);
    const text = isUtf8(data);
    if (!text && this.#rejectBinary) {
      throw new GatewayError('SWB_ERR_BAD_REQUEST', 'Data is not valid UTF-8, and binary frames are off (limits.binary is "reject")');
    }
    if (!this.sendBudget.canPush(connection)) {
      if (channels.clientError.hasSubscribers) channels.clientError.publish({ stage: connection.stage, code: 'SWB_ERR_SEND_BUFFER_FULL' });
      throw new GatewayError('SWB_ERR_SEND_BUFFER_FULL', `connection ${connection.id} has ${connection.socket.bufferedAmount} bytes waiting to be read (backpressure.highWaterBytes)`);
    }
    connection.lastActiveAt = Date.now();
    await new Promise<void>((resolve, reject) => {
      connection.socket.send(data, !text, (error) => {
        if (error === undefined || error === null) resolve();
        else reject(new GatewayError('SWB_ERR_CONNECTION_GONE', `connection ${connection.id} closed while sending`, { cause: error }));
      });
      this.sendBudget.afterSend(connection);
    });
    if (channels.messageOut.hasSubscribers) channels.messageOut.publish({ connectionId: connection.id, stage: connection.stage, source: 'push' });
  }

  /** Resolves once every closed connection has delivered its queued messages. */
  async idle(): Promise<void> {
    await this.#dispatcher.idle();
  }

  #notifyDisconnect(connection: Connection): void {
    const { code, reason } = connection.closed ?? { code: 1006, reason: '' };
    this.disconnects.notify(connection, code, reason);
  }
}
