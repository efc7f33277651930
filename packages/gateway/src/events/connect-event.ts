/**
 * The CONNECT event of a connection still in its handshake: what the `$connect` authorizer, the
 * `$connect` integration and the access log line of `$connect` all see, with one request id.
 */
import { newId } from '../connections/ids.js';
import type { IntegrationEvent } from '../integrations/integration-event.js';
import { CONNECT } from '../routing/router.js';
import type { PendingConnection } from './connect.js';

export function connectEvent(pending: PendingConnection, managementUrl: string): IntegrationEvent {
  return {
    eventType: 'CONNECT',
    routeKey: CONNECT,
    connectionId: pending.id,
    stage: pending.stage,
    connectedAt: pending.connectedAt,
    handshake: pending.handshake,
    requestId: (pending.requestId ??= newId()),
    requestTimeEpoch: pending.connectedAt,
    managementUrl,
    authorizer: pending.authorizer,
  };
}
