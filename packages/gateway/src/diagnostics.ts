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
  /** `{ routeKey, stage, code, latencyMs }` for each failed backend call. */
  integrationError: channel('switchboard:integration:error'),
} as const;
