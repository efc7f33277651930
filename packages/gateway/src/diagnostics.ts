/**
 * The gateway's `node:diagnostics_channel` channels, in one place. Core code publishes; metrics,
 * tests and tools subscribe. Publishing is skipped when nobody listens, so an unused channel costs
 * one property read.
 */
import { channel } from 'node:diagnostics_channel';

export const channels = {
  /** `{ connectionId, stage }` once `$connect` accepted and the socket opened. */
  connectionOpen: channel('switchboard:connection:open'),
  /** `{ connectionId, stage, code, reason }` once a connection closed. */
  connectionClose: channel('switchboard:connection:close'),
  /** `{ connectionId, stage, routeKey }` for each client message routed. */
  messageIn: channel('switchboard:message:in'),
  /** `{ connectionId, stage, source }` for each frame sent to a client (`reply`, `push`, `error`). */
  messageOut: channel('switchboard:message:out'),
  /** `{ routeKey, stage, status, latencyMs }` for each backend answer. */
  integrationResponse: channel('switchboard:integration:response'),
  /** `{ routeKey, stage, code, latencyMs, upstream }` for each failed backend call; `upstream` is the replica (`http://ADDRESS:PORT`) it failed at, when an HTTP upstream failed. */
  integrationError: channel('switchboard:integration:error'),
  /** `{ stage }` for each `$connect` request (an upgrade with a known stage), accepted or not: AWS ConnectCount. */
  connectRequest: channel('switchboard:connect:request'),
  /** `{ stage, code }` for each request the gateway refused before calling an integration (AWS ClientError), e.g. SWB_ERR_ROUTE_NOT_FOUND. */
  clientError: channel('switchboard:client:error'),
  /** `{ integration, attempt, origin, reason }` each time a backend call that was never delivered is retried (integrations/upstreams/); `origin` is the upstream that failed, `reason` `refused`, `reset-before-write`, `draining` or `connect-timeout`. */
  upstreamRetry: channel('switchboard:upstream:retry'),
  /** `{ integration, origin, reason }` each time an upstream is ejected from rotation (integrations/upstreams/); `reason` as for retries, or `failures`. */
  upstreamEjection: channel('switchboard:upstream:ejection'),
  /** `{ integration, origin }` when an ejected origin passed a probe (or answered a request) and is back in rotation. */
  upstreamReturn: channel('switchboard:upstream:return'),
} as const;
