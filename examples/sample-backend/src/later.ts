/**
 * `POST /later` (route key `later`, one-way): answer 202 at once, then after `delayMs` push `data`
 * to the connection through the management API. A failed push is logged, never thrown. Bounded:
 * delay, data size (later-request.ts) and pushes waiting per connection and in total
 * (pending-pushes.ts), each refused with its 4xx before anything is scheduled.
 */
import { connectionIdOf, managementUrlOf, type BackendEvent } from './backend-event.js';
import { parseLaterRequest } from './later-request.js';
import type { Logger } from './logger.js';
import type { ManagementClients } from './management-clients.js';
import type { PendingPushes } from './pending-pushes.js';
import type { PushScheduler } from './push-scheduler.js';
import { errorReply, type Reply } from './reply.js';

export interface LaterDeps {
  scheduler: PushScheduler;
  clients: ManagementClients;
  logger: Logger;
  pending: PendingPushes;
}

export function handleLater(event: BackendEvent, deps: LaterDeps): Reply {
  const parsed = parseLaterRequest(event.body);
  if (!parsed.ok) return errorReply(parsed.status, parsed.message);
  const connectionId = connectionIdOf(event.headers);
  if (connectionId === undefined) {
    return errorReply(
      400,
      'no connection id: the gateway sends x-switchboard-connection-id, or map context.connectionId to a connectionId header',
    );
  }
  const endpoint = managementUrlOf(event.headers);
  if (endpoint === undefined || !isHttpUrl(endpoint)) {
    return errorReply(400, 'no management URL: expected an http(s) URL in x-switchboard-management-url');
  }
  const { data, delayMs } = parsed.value;
  const { clients, logger, pending } = deps;
  const refusal = pending.acquire(connectionId);
  if (refusal !== undefined) {
    logger.warn({ connectionId, limit: refusal.limit, max: refusal.max }, 'later: too many pushes waiting, refused');
    return errorReply(
      429,
      refusal.limit === 'connection'
        ? `this connection already has ${refusal.max} later pushes waiting; wait for them`
        : `the backend already has ${refusal.max} later pushes waiting; try again later`,
    );
  }
  clients.preload();
  deps.scheduler.schedule(delayMs, async () => {
    try {
      await clients.postToConnection(endpoint, connectionId, data);
      logger.debug({ connectionId, bytes: Buffer.byteLength(data) }, 'later: pushed');
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      if (name === 'GoneException') logger.warn({ connectionId }, 'later: connection is gone, push dropped');
      else logger.error({ connectionId, err: error }, 'later: push failed');
    } finally {
      pending.release(connectionId);
    }
  });
  logger.debug({ connectionId, delayMs }, 'later: scheduled');
  return { status: 202 };
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
