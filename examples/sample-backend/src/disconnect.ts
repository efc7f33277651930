/**
 * `POST /disconnect` ($disconnect): delete the connection's session, log the close code and
 * reason, and answer 200. API Gateway ignores this response; it is best-effort and may never arrive
 * (the session's TTL cleans up then).
 */
import { contextHeaders } from '@switchboard/protocol';
import { connectionIdOf, headerValue, type BackendEvent } from './backend-event.js';
import type { Logger } from './logger.js';
import type { Reply } from './reply.js';
import type { Sessions } from './sessions.js';

/** The reason header is URI-encoded; a malformed one is kept as it came. */
export function decodeReason(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export async function handleDisconnect(
  event: BackendEvent,
  sessions: Sessions,
  logger: Logger,
): Promise<Reply> {
  const connectionId = connectionIdOf(event.headers);
  const statusCode = headerValue(event.headers, contextHeaders.disconnectStatusCode);
  let sessionDeleted: boolean | undefined;
  if (connectionId !== undefined) {
    try {
      sessionDeleted = await sessions.forget(connectionId);
    } catch (error) {
      logger.warn(
        { connectionId, err: error },
        'disconnect: the session could not be deleted; its TTL will expire it',
      );
    }
  }
  logger.info(
    {
      connectionId,
      statusCode: statusCode === undefined ? undefined : Number(statusCode),
      reason: decodeReason(headerValue(event.headers, contextHeaders.disconnectReason)),
      sessionDeleted,
    },
    'disconnect',
  );
  return { status: 200 };
}
