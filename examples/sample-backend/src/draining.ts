/**
 * The drain answer: while the backend drains, every event endpoint answers 503 with the drain
 * header and `Connection: close`, before reading anything, so the gateway knows the request was not
 * processed, resends it to another replica, and stops reusing connections to this one.
 * @see docs/backends.md "The drain signal"
 */
import { drainingHeader, drainingStatus } from '@switchboard/protocol';
import { jsonReply, type Reply } from './reply.js';

export function drainingReply(): Reply {
  return jsonReply(
    drainingStatus,
    { message: 'draining: send this request to another replica' },
    { [drainingHeader]: '1', 'cache-control': 'no-store' },
  );
}
