/**
 * `POST /disconnect` ($disconnect): log the close code and reason and answer 200.
 * API Gateway ignores this response; it is best-effort and may never arrive.
 */
import { contextHeaders } from '@switchboard/protocol';
import { connectionIdOf, headerValue, type BackendEvent } from './backend-event.js';
import type { Logger } from './logger.js';
import type { Reply } from './reply.js';

/** The reason header is URI-encoded; a malformed one is kept as it came. */
export function decodeReason(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function handleDisconnect(event: BackendEvent, logger: Logger): Reply {
  const statusCode = headerValue(event.headers, contextHeaders.disconnectStatusCode);
  logger.info(
    {
      connectionId: connectionIdOf(event.headers),
      statusCode: statusCode === undefined ? undefined : Number(statusCode),
      reason: decodeReason(headerValue(event.headers, contextHeaders.disconnectReason)),
    },
    'disconnect',
  );
  return { status: 200 };
}
