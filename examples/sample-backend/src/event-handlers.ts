/**
 * The sample backend's handlers of `POST /events` (lambda-events.ts): the same connect, message and
 * disconnect handlers as its HTTP_PROXY endpoints, bound to its sessions and logger.
 */
import { handleConnect } from './connect.js';
import { handleDisconnect } from './disconnect.js';
import type { EventHandlers } from './lambda-events.js';
import type { Logger } from './logger.js';
import { handleMessage } from './message.js';
import type { Sessions } from './sessions.js';

export function sampleEventHandlers(sessions: Sessions, logger: Logger): EventHandlers {
  return {
    connect: (event) => handleConnect(event, logger),
    message: (event) => handleMessage(event, sessions, logger),
    disconnect: (event) => handleDisconnect(event, sessions, logger),
  };
}
