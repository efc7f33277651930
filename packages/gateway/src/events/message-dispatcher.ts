/**
 * Client messages: each one is routed and sent to its route's integration. A connection's messages
 * are dispatched in arrival order with at most `dispatch.concurrency` in flight, so with the default
 * of 1 a client gets its replies in order. Past `dispatch.maxQueued` waiting messages or
 * `dispatch.maxQueuedBytes` waiting bytes the gateway stops reading from that socket until the queue
 * drains: backpressure, not loss. All queues share the node's QueueBudget (`maxQueuedBytesTotal`): when
 * it is full, the queues of closed connections are dropped first, then reading pauses on every
 * connection that queues more, until the total is back to half.
 * @see docs/protocol.md "Messages"
 */
import { isUtf8 } from 'node:buffer';
import { applyGroupHeaders } from '../cluster/group-index.js';
import { badRequestBodyFrame, errorFrame, type ErrorFrameMessage } from '@switchboard/protocol';
import type { Connection } from '../connections/connection.js';
import { newId } from '../connections/ids.js';
import { channels } from '../diagnostics.js';
import { GatewayError } from '../errors.js';
import type { IntegrationEvent } from '../integrations/integration-event.js';
import { failedUpstreamOf } from '../integrations/upstreams/failed-upstream.js';
import type { GatewayContext } from './gateway-context.js';
import type { SendBudget } from '../backpressure/send-budget.js';
import type { QueueBudget } from '../backpressure/queue-budget.js';

export class MessageDispatcher {
  readonly #ctx: GatewayContext;
  readonly #concurrency: number;
  readonly #maxQueued: number;
  readonly #maxQueuedBytes: number;
  readonly #budget: QueueBudget;
  readonly #acceptBinary: boolean;
  readonly #onDrained: (connection: Connection) => void;
  readonly #sendBudget: SendBudget | undefined;
  /** Closed connections whose queued messages are still being delivered. */
  readonly #draining = new Set<Connection>();
  #idleWaiters: (() => void)[] = [];

  /** `onDrained` runs once a closed connection has no message left in flight or queued. */
  constructor(ctx: GatewayContext, onDrained: (connection: Connection) => void, sendBudget?: SendBudget) {
    this.#sendBudget = sendBudget;
    this.#ctx = ctx;
    this.#concurrency = ctx.config.dispatch.concurrency;
    this.#maxQueued = ctx.config.dispatch.maxQueued;
    this.#maxQueuedBytes = ctx.config.dispatch.maxQueuedBytes;
    this.#budget = ctx.queueBudget;
    this.#acceptBinary = ctx.config.limits.binary === 'accept';
    this.#onDrained = onDrained;
  }

  /** Takes one message from the client. */
  receive(connection: Connection, data: Buffer, binary: boolean): void {
    connection.lastActiveAt = Date.now();
    if (connection.inFlight < this.#concurrency) {
      void this.#dispatch(connection, data, binary);
      return;
    }
    this.#enqueue(connection, retainable(data), binary);
  }

  /** Called when the connection closed: true when it still has work, and `onDrained` will follow. */
  closed(connection: Connection): boolean {
    this.#budget.forget(connection);
    if (connection.inFlight === 0 && (connection.queue?.length ?? 0) === 0) return false;
    this.#draining.add(connection);
    return true;
  }

  /** Resolves once no closed connection has messages left to deliver. */
  async idle(): Promise<void> {
    if (this.#draining.size === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Routes one message and sends it to its integration, then takes the connection's next one. One
   * async function from the frame to the reply, so that a message costs one promise of its own.
   */
  async #dispatch(connection: Connection, data: Buffer, binary: boolean): Promise<void> {
    connection.inFlight++;
    try {
      const ctx = this.#ctx;
      const requestId = newId();
      const selection = binary ? ctx.router.selectBinary() : ctx.router.select(data);
      if (channels.messageIn.hasSubscribers) channels.messageIn.publish({ connectionId: connection.id, stage: connection.stage, routeKey: selection.routeKey });
      const route = selection.route;
      if (route === undefined) {
        this.#refuse(connection, selection.routeKey, requestId, NO_ROUTE);
        return;
      }
      if (ctx.messageThrottle !== undefined && !ctx.messageThrottle.take(connection.stage, selection.routeKey)) {
        this.#refuse(connection, selection.routeKey, requestId, THROTTLED);
        return;
      }
      const started = performance.now();
      const event = messageEvent(ctx, connection, selection.routeKey, requestId, data, binary, selection.body);
      try {
        const response = await route.integration.invoke(event, route.twoWay);
        if (ctx.accessLog !== undefined || channels.integrationResponse.hasSubscribers) {
          const latencyMs = performance.now() - started;
          ctx.accessLog?.write({ event, status: 200, integrationStatus: response.status, integrationLatency: latencyMs });
          if (channels.integrationResponse.hasSubscribers) {
            channels.integrationResponse.publish({ routeKey: selection.routeKey, stage: connection.stage, status: response.status, latencyMs });
          }
        }
        if (ctx.groups !== undefined) applyGroupHeaders(ctx.groups, connection, response.headers);
        if (route.twoWay && response.body.length > 0) this.#reply(connection, response.body, requestId);
      } catch (error) {
        this.#integrationFailed(connection, event, started, error);
      }
    } catch (error) {
      this.#ctx.logger.error({ connectionId: connection.id, err: error }, 'unexpected failure while dispatching a message');
    } finally {
      connection.inFlight--;
      this.#next(connection);
    }
  }

  /** Queues a message that found every in-flight slot taken, and pauses reading when a bound is reached. */
  #enqueue(connection: Connection, data: Buffer, binary: boolean): void {
    if (connection.queue === undefined || connection.queueBinary === undefined) {
      connection.queue = [];
      connection.queueBinary = [];
    }
    connection.queue.push(data);
    connection.queueBinary.push(binary);
    connection.queuedBytes += data.length;
    const budget = this.#budget;
    budget.add(data.length);
    if (connection.paused) return;
    if (connection.queue.length >= this.#maxQueued || connection.queuedBytes >= this.#maxQueuedBytes) {
      this.#pause(connection);
      return;
    }
    if (!budget.full || this.#dropClosedQueues()) return;
    this.#pause(connection);
    budget.wait(connection);
  }

  #next(connection: Connection): void {
    const queue = connection.queue;
    const queueBinary = connection.queueBinary;
    if (queue !== undefined && queueBinary !== undefined && queue.length > 0) {
      const data = queue.shift();
      const binary = queueBinary.shift() ?? false;
      if (data !== undefined) {
        connection.queuedBytes -= data.length;
        this.#release(data.length);
        this.#resumeIfRoom(connection);
        void this.#dispatch(connection, data, binary);
      }
      return;
    }
    if (connection.inFlight === 0 && this.#draining.delete(connection)) {
      this.#onDrained(connection);
      if (this.#draining.size === 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  #pause(connection: Connection): void {
    connection.paused = true;
    connection.socket.pause();
  }

  /** Resumes reading once the connection's queue is below half of both bounds and the node's budget has room. */
  #resumeIfRoom(connection: Connection): void {
    if (!connection.paused || connection.closed !== undefined || this.#budget.isWaiting(connection)) return;
    if ((connection.queue?.length ?? 0) >= this.#maxQueued / 2 || connection.queuedBytes >= this.#maxQueuedBytes / 2) return;
    if (this.#budget.full) {
      this.#budget.wait(connection);
      return;
    }
    connection.paused = false;
    connection.socket.resume();
  }

  /** Gives bytes back to the node's budget, and resumes the connections that waited for it. */
  #release(bytes: number): void {
    for (const waiting of this.#budget.release(bytes)) this.#resumeIfRoom(waiting);
  }

  /**
   * Makes room in a full budget by dropping what closed connections still have queued, oldest close
   * first: their replies could not be sent, and open clients must not wait behind them. Messages
   * already sent to the backend are not affected, and `$disconnect` still follows the last of them.
   * True when the budget has room again.
   */
  #dropClosedQueues(): boolean {
    for (const connection of this.#draining) {
      if (!this.#budget.full) return true;
      const queue = connection.queue;
      if (queue === undefined || queue.length === 0) continue;
      const messages = queue.length;
      const bytes = connection.queuedBytes;
      queue.length = 0;
      if (connection.queueBinary !== undefined) connection.queueBinary.length = 0;
      connection.queuedBytes = 0;
      this.#budget.dropped(messages);
      this.#ctx.logger.warn({ connectionId: connection.id, messages, bytes, code: 'SWB_ERR_QUEUE_DROPPED' }, 'dropped the queued messages of a closed client: dispatch.maxQueuedBytesTotal is full');
      this.#release(bytes);
    }
    return !this.#budget.full;
  }

  /** Answers a message whose integration failed: a bad request body, a timeout or any other failure. */
  #integrationFailed(connection: Connection, event: IntegrationEvent, started: number, error: unknown): void {
    const ctx = this.#ctx;
    const { routeKey, requestId } = event;
    const failure = error instanceof GatewayError ? error : new GatewayError('SWB_ERR_INTERNAL', 'unexpected integration failure', { cause: error });
    if (channels.integrationError.hasSubscribers) {
      channels.integrationError.publish({ routeKey, stage: connection.stage, code: failure.code, latencyMs: performance.now() - started, upstream: failedUpstreamOf(failure) });
    }
    if (failure.code === 'SWB_ERR_BAD_REQUEST_BODY') {
      ctx.logger.debug({ connectionId: connection.id, routeKey, requestId, code: failure.code, reason: failure.message }, 'message failed request validation');
      if (!connection.socket.closing) connection.socket.send(badRequestBodyFrame(connection.id, event.messageId ?? ''), false);
      if (ctx.accessLog !== undefined) ctx.accessLog.write({ event, status: 400, errorMessage: 'Bad request body' });
      return;
    }
    ctx.logger.warn({ connectionId: connection.id, routeKey, requestId, code: failure.code, err: failure }, 'integration failed');
    const message = failure.code === 'SWB_ERR_BACKEND_TIMEOUT' ? 'Endpoint request timed out' : 'Internal server error';
    this.#sendError(connection, message, requestId);
    if (ctx.accessLog !== undefined) {
      ctx.accessLog.write({ event, status: failure.code === 'SWB_ERR_BACKEND_TIMEOUT' ? 504 : 500, integrationLatency: performance.now() - started, errorMessage: message });
    }
  }

  /** Answers a message no integration may take with its error frame, counted and logged. */
  #refuse(connection: Connection, routeKey: string, requestId: string, refusal: Refusal): void {
    const ctx = this.#ctx;
    ctx.logger.debug({ connectionId: connection.id, requestId, routeKey, code: refusal.code }, refusal.log);
    if (channels.clientError.hasSubscribers) channels.clientError.publish({ stage: connection.stage, code: refusal.code });
    this.#sendError(connection, refusal.message, requestId);
    if (ctx.accessLog !== undefined) {
      ctx.accessLog.write({ event: messageEvent(ctx, connection, routeKey, requestId), status: refusal.status, errorMessage: refusal.message, errorResponseType: refusal.errorResponseType });
    }
  }

  /** Sends the backend's body as one frame: text when it is UTF-8, binary only when binary is accepted. */
  #reply(connection: Connection, body: Buffer, requestId: string): void {
    if (connection.socket.closing) return;
    const text = isUtf8(body);
    if (!text && !this.#acceptBinary) {
      this.#ctx.logger.warn({ connectionId: connection.id, requestId, code: 'SWB_ERR_BACKEND_BAD_RESPONSE' }, 'backend reply is not UTF-8 and binary frames are rejected');
      this.#sendError(connection, 'Internal server error', requestId);
      return;
    }
    connection.lastActiveAt = Date.now();
    connection.socket.send(body, !text);
    this.#sendBudget?.afterSend(connection);
    if (channels.messageOut.hasSubscribers) channels.messageOut.publish({ connectionId: connection.id, stage: connection.stage, source: 'reply' });
  }

  #sendError(connection: Connection, message: ErrorFrameMessage, requestId: string): void {
    if (connection.socket.closing) return;
    connection.socket.send(errorFrame(message, connection.id, requestId), false);
    this.#sendBudget?.afterSend(connection);
    if (channels.messageOut.hasSubscribers) channels.messageOut.publish({ connectionId: connection.id, stage: connection.stage, source: 'error' });
  }
}

/**
 * The message as it may wait in a queue: a frame read ahead of `ws` is a slice of the chunk it came in,
 * and queued as is it would keep that whole chunk alive. A small slice of a larger chunk is copied, so
 * that what a queue holds is what `dispatch.maxQueuedBytes` counts.
 */
function retainable(data: Buffer): Buffer {
  return data.buffer.byteLength > 2 * data.length + 8192 ? Buffer.from(data) : data;
}

/** Why a message is answered without an integration: its code, frame, access-log status and log line. */
interface Refusal {
  readonly code: 'SWB_ERR_ROUTE_NOT_FOUND' | 'SWB_ERR_THROTTLED';
  readonly message: ErrorFrameMessage;
  readonly status: number;
  readonly errorResponseType?: string;
  readonly log: string;
}

const NO_ROUTE: Refusal = { code: 'SWB_ERR_ROUTE_NOT_FOUND', message: 'Forbidden', status: 403, log: 'no route matched and there is no $default' };
const THROTTLED: Refusal = { code: 'SWB_ERR_THROTTLED', message: 'Too Many Requests', status: 429, errorResponseType: 'THROTTLED', log: 'message throttled' };

/**
 * The MESSAGE event of a client message: with its frame when it goes to an integration, without one
 * for the access log of a message that never reached an integration.
 */
function messageEvent(
  ctx: GatewayContext,
  connection: Connection,
  routeKey: string,
  requestId: string,
  body?: Buffer,
  binary?: boolean,
  parsedBody?: unknown,
): IntegrationEvent {
  return {
    eventType: 'MESSAGE',
    routeKey,
    connectionId: connection.id,
    stage: connection.stage,
    connectedAt: connection.connectedAt,
    handshake: connection.handshake,
    requestId,
    messageId: newId(),
    requestTimeEpoch: Date.now(),
    body,
    binary,
    parsedBody,
    managementUrl: ctx.managementUrl(connection.stage),
    authorizer: connection.authorizer,
  };
}
