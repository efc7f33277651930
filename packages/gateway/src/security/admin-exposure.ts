/**
 * The startup check that the management API is not open to the network without authentication: a
 * non-loopback `admin.host` without `admin.auth.mode` `verify` or `bearer` (`any-signature` checks no
 * secret) stops the gateway with SWB_ERR_ADMIN_EXPOSED.
 */
import { isIP } from 'node:net';
import type { Config } from '../config/schema.js';
import { GatewayError } from '../errors.js';

/** True when `host` names only this machine: `localhost`, 127.0.0.0/8, `::1` or `::ffff:127.x.y.z`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) {
    const lower = bare.toLowerCase();
    return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 && lower.slice(7).startsWith('127.'));
  }
  return false;
}

/** Throws SWB_ERR_ADMIN_EXPOSED when the configuration would expose an unauthenticated management API. */
export function assertAdminNotExposed(config: Pick<Config, 'admin' | 'security'>): void {
  const authenticated = config.admin.auth.mode === 'verify' || config.admin.auth.mode === 'bearer';
  if (authenticated || config.security.allowUnauthenticatedAdmin || isLoopbackHost(config.admin.host)) return;
  throw new GatewayError(
    'SWB_ERR_ADMIN_EXPOSED',
    `admin.host is ${config.admin.host}, which is not loopback, and admin.auth.mode is "${config.admin.auth.mode}", which checks no secret: anyone who reaches that port could push to, read and close every connection. ` +
      'Set admin.auth (mode verify or bearer), or bind admin.host to 127.0.0.1, or set security.allowUnauthenticatedAdmin: true where a network policy keeps the port private (docs/security.md).',
  );
}
