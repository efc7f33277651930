/**
 * CSRF and DNS-rebinding defence of the admin listener while it checks no secret (`admin.auth.mode`
 * `off` or `any-signature`). A web page open in the operator's browser could otherwise drive the
 * management API on 127.0.0.1:
 * - DNS rebinding: a name the attacker controls is made to resolve to 127.0.0.1, so the page is
 *   "same-origin" with the admin listener; its requests name that name in `Host`. Refused (403,
 *   SWB_ERR_ADMIN_HOST_NOT_ALLOWED) unless the Host is `localhost` or `*.localhost`, an IP address
 *   (a page cannot rebind an address), `admin.host`, the host of `admin.publicUrl`, the API's own
 *   management names (what local Lambda handlers call), or in `admin.allowedHosts`.
 * - CSRF: a cross-origin form POST or fetch. Browsers send `Origin` with those; refused (403,
 *   SWB_ERR_ADMIN_CROSS_ORIGIN) unless it is the admin listener itself (`http(s)://` + the Host).
 * SDKs, boto3, curl and the CLI send an address or `localhost` as Host and no Origin: they pass. It
 * guards the routes the management guard guards (management API, groups, dashboard); health,
 * metrics and scaling figures are read-only and stay open to probes and scrapers.
 * @see docs/security.md "The admin listener and browsers"
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { ErrorCode } from '@switchboard/protocol';
import type { Config } from '../config/schema.js';
import type { AdminGuard } from '../management/admin-server.js';
import { sendError } from '../management/responses.js';
import { managementHosts } from '../lambda/management-redirect-source.js';

/** The host name of a `Host` header (`name`, `name:port`, `[v6]:port`), lower case, without a trailing dot. */
export function hostNameOf(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    return end === -1 ? name : name.slice(1, end);
  }
  const colon = name.lastIndexOf(':');
  if (colon !== -1 && name.indexOf(':') === colon) name = name.slice(0, colon);
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** Decides which `Host` names the admin listener answers to. */
export class AdminHostPolicy {
  readonly #exact = new Set<string>(['localhost']);
  readonly #suffixes: string[] = ['.localhost'];
  readonly #any: boolean;

  /**
   * `apiHosts` are the API's own management names (`{apiId}.execute-api.{region}.amazonaws.com`,
   * `api.domainName`): local Lambda handlers' SDK calls to them are sent here with that Host kept.
   */
  constructor(admin: Pick<Config['admin'], 'host' | 'publicUrl' | 'allowedHosts'>, apiHosts: readonly string[] = []) {
    this.#exact.add(hostNameOf(admin.host));
    for (const host of apiHosts) this.#exact.add(hostNameOf(host));
    if (admin.publicUrl !== undefined) this.#exact.add(hostNameOf(new URL(admin.publicUrl).host));
    let any = false;
    for (const entry of admin.allowedHosts) {
      const lower = entry.toLowerCase();
      if (lower === '*') any = true;
      else if (lower.startsWith('.')) this.#suffixes.push(lower);
      else this.#exact.add(lower);
    }
    this.#any = any;
  }

  /** True for a request without Host (not a browser) or one naming an allowed host. */
  allows(host: string | undefined): boolean {
    if (this.#any || host === undefined) return true;
    const name = hostNameOf(host);
    if (isIP(name) !== 0 || this.#exact.has(name)) return true;
    return this.#suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
  }
}

/** True for a request without Origin (not a browser's cross-origin request) or from the admin listener's own origin. */
export function sameOrigin(origin: string | undefined, host: string | undefined, scheme: 'http' | 'https'): boolean {
  if (origin === undefined) return true;
  if (host === undefined) return false;
  return origin.toLowerCase() === `${scheme}://${host.trim().toLowerCase()}`;
}

function refuse(response: ServerResponse, logger: Logger, code: ErrorCode, message: string): false {
  logger.debug({ code, status: 403 }, 'admin request refused');
  sendError(response, 403, 'ForbiddenException', code, message);
  return false;
}

/**
 * `guard` preceded by the Host and Origin checks when `admin.auth.mode` checks no secret; `guard`
 * itself otherwise (verify and bearer need a secret a page does not have).
 */
export function withBrowserDefence(config: Pick<Config, 'admin' | 'api'>, scheme: 'http' | 'https', logger: Logger, guard: AdminGuard | undefined): AdminGuard | undefined {
  const { mode } = config.admin.auth;
  if (mode !== 'off' && mode !== 'any-signature') return guard;
  const hosts = new AdminHostPolicy(config.admin, managementHosts(config.api));
  const checks = (request: IncomingMessage, response: ServerResponse): boolean => {
    const { host, origin } = request.headers;
    if (!hosts.allows(host)) {
      return refuse(
        response,
        logger,
        'SWB_ERR_ADMIN_HOST_NOT_ALLOWED',
        `Host ${JSON.stringify((host ?? '').slice(0, 100))} is not allowed: admin.auth.mode "${mode}" checks no secret, so the admin listener answers only to localhost, IP addresses, admin.host, the host of admin.publicUrl and admin.allowedHosts (DNS rebinding defence, docs/security.md)`,
      );
    }
    if (!sameOrigin(origin, host, scheme)) {
      return refuse(
        response,
        logger,
        'SWB_ERR_ADMIN_CROSS_ORIGIN',
        `Origin ${JSON.stringify(origin?.slice(0, 100) ?? '')} is not this admin listener: admin.auth.mode "${mode}" checks no secret, so browser requests are accepted only from the admin listener's own pages (CSRF defence, docs/security.md)`,
      );
    }
    return true;
  };
  return (request, response, url) => {
    if (!checks(request, response)) return false;
    return guard === undefined ? true : guard(request, response, url);
  };
}
