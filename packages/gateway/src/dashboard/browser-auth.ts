/**
 * How a browser passes the admin listener's authentication. A browser cannot sign SigV4 requests nor
 * add an Authorization header to a page load, so with `admin.auth.mode: bearer` the dashboard is
 * opened once as `/?token=TOKEN`: the token is moved into an HttpOnly, SameSite=Strict cookie and the
 * browser is redirected to `/`. Later requests (the page, its JSON and the management API calls it
 * makes) carry the cookie, which this guard turns into `Authorization: Bearer` for the real guard.
 * A request with its own Authorization header is passed through unchanged; a POST, PUT or DELETE
 * uses the cookie only when its `Origin` is the admin listener itself.
 */
import type { IncomingMessage } from 'node:http';
import type { AdminGuard } from '../management/admin-server.js';

export const TOKEN_COOKIE = 'switchboard_token';

/** The cookie's value, or undefined. */
function cookieToken(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals !== -1 && part.slice(0, equals).trim() === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(part.slice(equals + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * True for a request that may act on the cookie: a read (GET, HEAD), or a change whose `Origin` is
 * the admin listener itself. SameSite ignores ports, so a page served by another port of the same
 * host would otherwise get the cookie sent with its cross-origin POST or DELETE.
 */
function sameOriginOrRead(request: IncomingMessage): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (origin === undefined || host === undefined) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}

/** Wraps the management guard so that the dashboard's cookie counts as a bearer token. */
export function withBrowserToken(guard: AdminGuard): AdminGuard {
  return (request, response, url) => {
    if (request.headers.authorization === undefined && sameOriginOrRead(request)) {
      const token = cookieToken(request);
      if (token !== undefined) request.headers.authorization = `Bearer ${token}`;
    }
    return guard(request, response, url);
  };
}

/** The `Set-Cookie` header value that stores `token` for the admin listener's pages. */
export function tokenCookie(token: string, secure: boolean): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
