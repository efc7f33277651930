/**
 * `$disconnect`: sent best-effort after the socket closed, with the close code and reason. Failures are
 * logged, never retried. Pending calls are tracked so that shutdown can wait for them (`flush`).
 * @see docs/protocol.md "$disconnect"
 */
import { newId } from '../connections/ids.js';
import { channels } from '../diagnostics.js';
import { GatewayError } from '../errors.js';
import { DISCONNECT } from '../routing/router.js';
import type { PendingConnection } from './connect.js';
import type { IntegrationEvent } from '../integrations/integration-event.js';
import { failedUpstreamOf } from '../integrations/upstreams/failed-upstream.js';
import type { GatewayContext } from './gateway-context.js';

export class DisconnectNotifier {
  readonly #ctx: GatewayContext;
  readonly #pending = new Set<Promise<void>>();

  constructor(ctx: GatewayContext) {
    this.#ctx = ctx;
  }

  /** Calls the `$disconnect` integration, if there is one, without waiting. */
  notify(connection: PendingConnection, code: number, reason: string): void {
    const route = this.#ctx.router.disconnectRoute;
    const accessLog = this.#ctx.accessLog;
    if (route === undefined && accessLog === undefined) return;
    const now = Date.now();
    const event: IntegrationEvent = {
      eventType: 'DISCONNECT',
      routeKey: DISCONNECT,
      connectionId: connection.id,
      stage: connection.stage,
      connectedAt: connection.connectedAt,
      handshake: connection.handshake,
      requestId: newId(),
      requestTimeEpoch: now,
      disconnect: { code, reason },
      managementUrl: this.#ctx.managementUrl(connection.stage),
      authorizer: connection.authorizer,
    };
    if (route === undefined) {
      accessLog?.write({ event, status: 200 });
      return;
    }
    const started = performance.now();
    const call = route.integration.invoke(event, false).then(
      (response) => {
        const latencyMs = performance.now() - started;
        if (channels.integrationResponse.hasSubscribers) {
          channels.integrationResponse.publish({ routeKey: DISCONNECT, stage: connection.stage, status: response.status, latencyMs });
        }
        accessLog?.write({ event, status: 200, integrationStatus: response.status, integrationLatency: latencyMs });
      },
      (error: unknown) => {
        const latencyMs = performance.now() - started;
        if (channels.integrationError.hasSubscribers) {
          const code = error instanceof GatewayError ? error.code : 'SWB_ERR_INTERNAL';
          channels.integrationError.publish({ routeKey: DISCONNECT, stage: connection.stage, code, latencyMs, upstream: failedUpstreamOf(error) });
        }
        accessLog?.write({ event, status: 500, integrationLatency: latencyMs, errorMessage: 'Internal server error' });
        this.#ctx.logger.warn({ connectionId: connection.id, err: error }, '$disconnect could not be delivered (best-effort)');
      },
    );
    this.#pending.add(call);
    void call.finally(() => this.#pending.delete(call));
  }

  /** Number of `$disconnect` calls still in flight. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Waits for pending calls, at most `timeoutMs`; resolves true when all finished. */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.#pending.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
    const done = (async () => {
      while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
      return true as const;
    })();
    const finished = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return finished;
  }
}
