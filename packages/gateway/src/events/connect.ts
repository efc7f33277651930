/**
 * `$connect`: calls the route's integration while the upgrade waits. A 2xx accepts (and may pick the
 * subprotocol), another status refuses the handshake with that status, and a backend that cannot be
 * reached or times out refuses it with 502. Without a `$connect` route every handshake is accepted.
 * @see docs/protocol.md "$connect outcomes"
 */
import type { AuthorizerContext } from '../auth/authorizer-context.js';
import { runAuthorizer } from '../auth/run-authorizer.js';
import { groupHeaders, type ErrorCode } from '@switchboard/protocol';
import { parseGroupHeader } from '../cluster/group-index.js';
import type { HandshakeInfo } from '../connections/connection.js';
import { GatewayError } from '../errors.js';
import { failedUpstreamOf } from '../integrations/upstreams/failed-upstream.js';
import { CONNECT } from '../routing/router.js';
import { channels } from '../diagnostics.js';
import { connectEvent } from './connect-event.js';
import type { GatewayContext } from './gateway-context.js';

export interface PendingConnection {
  readonly id: string;
  readonly stage: string;
  readonly connectedAt: number;
  readonly handshake: HandshakeInfo;
  /** Set by the `$connect` authorizer when it allowed the connection; becomes `Connection.authorizer`. */
  authorizer?: AuthorizerContext;
  /** The `$connect` request id, shared by the authorizer, the integration and the access log; set on first use. */
  requestId?: string;
  /** Groups named by the `$connect` response's `x-switchboard-join-groups` header; joined on open. */
  joinGroups?: string[];
}

export type ConnectOutcome =
  | { readonly accepted: true; readonly protocol: string | undefined; readonly calledBackend: boolean }
  | {
      readonly accepted: false;
      readonly status: number;
      /** Why, for the `x-switchboard-error-code` header of the refusal and the log. */
      readonly code: ErrorCode;
      readonly body: Buffer;
      readonly contentType: string | undefined;
    };

const BAD_GATEWAY = Buffer.from('{"message": "Internal server error"}');

export async function runConnect(ctx: GatewayContext, pending: PendingConnection): Promise<ConnectOutcome> {
  if (channels.connectRequest.hasSubscribers) channels.connectRequest.publish({ stage: pending.stage });
  let authorizerProtocol: string | undefined;
  if (ctx.connectAuthorizer !== undefined) {
    const step = await runAuthorizer(ctx, ctx.connectAuthorizer, pending);
    if (!step.accepted) return step;
    authorizerProtocol = step.protocol;
  }
  const route = ctx.router.connectRoute;
  if (route === undefined) return { accepted: true, protocol: authorizerProtocol, calledBackend: false };
  const started = performance.now();
  try {
    const response = await route.integration.invoke(connectEvent(pending, ctx.managementUrl(pending.stage)), true);
    if (channels.integrationResponse.hasSubscribers) {
      channels.integrationResponse.publish({ routeKey: CONNECT, stage: pending.stage, status: response.status, latencyMs: performance.now() - started });
    }
    if (response.status >= 200 && response.status < 300) {
      if (ctx.groups !== undefined) pending.joinGroups = parseGroupHeader(response.headers[groupHeaders.join]);
      const protocol = response.headers['sec-websocket-protocol'];
      return { accepted: true, protocol: (Array.isArray(protocol) ? protocol[0] : protocol) ?? authorizerProtocol, calledBackend: true };
    }
    const contentType = response.headers['content-type'];
    const limit = ctx.config.limits.maxConnectResponseBytes;
    return {
      accepted: false,
      status: response.status,
      code: 'SWB_ERR_CONNECT_REJECTED',
      body: response.body.length > limit ? response.body.subarray(0, limit) : response.body,
      contentType: Array.isArray(contentType) ? contentType[0] : contentType,
    };
  } catch (error) {
    const failure = error instanceof GatewayError ? error : new GatewayError('SWB_ERR_INTERNAL', 'unexpected $connect failure', { cause: error });
    if (channels.integrationError.hasSubscribers) {
      channels.integrationError.publish({ routeKey: CONNECT, stage: pending.stage, code: failure.code, latencyMs: performance.now() - started, upstream: failedUpstreamOf(failure) });
    }
    ctx.logger.warn({ connectionId: pending.id, code: failure.code, err: failure }, '$connect failed: answering 502');
    return { accepted: false, status: 502, code: failure.code, body: BAD_GATEWAY, contentType: 'application/json' };
  }
}
