/**
 * How a browser passes the admin listener's authentication. A browser cannot sign SigV4 requests nor
 * add an Authorization header to a page load, so with `admin.auth.mode: bearer` the dashboard is
 * opened once as `/?token=TOKEN`: the token is moved into an HttpOnly, SameSite=Strict cookie and the
 * browser is redirected to `/`. Later requests (the page, its JSON and the management API calls it
 * makes) carry the cookie, which this guard turns into `Authorization: Bearer` for the real guard.
 * A request with its own Authorization header is passed through unchanged.
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

/** Wraps the management guard so that the dashboard's cookie counts as a bearer token. */
export function withBrowserToken(guard: AdminGuard): AdminGuard {
  return (request, response, url) => {
    if (request.headers.authorization === undefined) {
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
