/**
 * The hardening checks an upgrade passes before the stage, the handshake and `$connect` are looked
 * at: the browser Origin allow-list (403) and the per-IP connection cap (429). A passed upgrade holds
 * its IP slot until its socket closes, whether it was refused later, abandoned or opened and closed.
 * @see docs/security.md
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { SecurityConfig } from '../config/security.js';
import { channels } from '../diagnostics.js';
import { refuseHandshake } from '../transport/handshake.js';
import { IpConnectionLimiter } from './ip-connection-limiter.js';
import { OriginPolicy } from './origin-policy.js';

export interface UpgradeGuard {
  /** True when the upgrade may go on; otherwise it has been answered (403 or 429) and closed. */
  admit(request: IncomingMessage, socket: Duplex): boolean;
  /** The per-IP counts, for tests and diagnostics. */
  readonly connectionsPerIp: IpConnectionLimiter;
}

/** `stageOf` names the stage an upgrade asks for (undefined for an unknown one), for the refusal metrics. */
export function createUpgradeGuard(security: SecurityConfig, logger: Logger, stageOf: (request: IncomingMessage) => string | undefined): UpgradeGuard {
  const refused = (request: IncomingMessage, code: 'SWB_ERR_ORIGIN_NOT_ALLOWED' | 'SWB_ERR_TOO_MANY_CONNECTIONS') => {
    if (!channels.clientError.hasSubscribers) return;
    const stage = stageOf(request);
    if (stage !== undefined) channels.clientError.publish({ stage, code });
  };
  const origins = new OriginPolicy(security.allowedOrigins);
  const limiter = new IpConnectionLimiter(security.maxConnectionsPerIp);
  function releaseIp(this: Duplex & { remoteAddress?: string }): void {
    limiter.release(this.remoteAddress ?? '');
  }
  return {
    connectionsPerIp: limiter,
    admit(request, socket) {
      const origin = request.headers.origin;
      if (!origins.allows(origin)) {
        logger.info({ code: 'SWB_ERR_ORIGIN_NOT_ALLOWED', origin }, 'refusing an upgrade from an origin that is not allowed');
        refuseHandshake(socket, 403, '{"message":"Forbidden"}');
        refused(request, 'SWB_ERR_ORIGIN_NOT_ALLOWED');
        return false;
      }
      const ip = request.socket.remoteAddress ?? '';
      if (!limiter.tryAcquire(ip)) {
        logger.info({ code: 'SWB_ERR_TOO_MANY_CONNECTIONS', sourceIp: ip }, 'refusing an upgrade over the per-IP connection cap');
        refuseHandshake(socket, 429, '{"message":"Too Many Requests"}');
        refused(request, 'SWB_ERR_TOO_MANY_CONNECTIONS');
        return false;
      }
      // A plain listener on the socket, not a closure per connection: the IP is read back at close.
      socket.on('close', releaseIp);
      return true;
    },
  };
}
