/**
 * The web dashboard on the admin listener: the page at `/`, its script and stylesheet under
 * `/dashboard/`, and the JSON endpoints of dashboard-api.ts, all behind the management API's guard
 * (`authenticated: true`). `GET /?token=…` is the one open route: it stores the token in a cookie
 * for browsers (browser-auth.ts) and redirects to `/`.
 * @see docs/dashboard.md
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AdminGuard, AdminRoute } from '../management/admin-server.js';
import { sendError } from '../management/responses.js';
import { appJs } from './assets/app-js.js';
import { indexHtml } from './assets/index-html.js';
import { styleCss } from './assets/style-css.js';
import { overview, sendConnectionDetails, type DashboardSources } from './dashboard-api.js';
import { DashboardStats } from './dashboard-stats.js';
import { RecentTraffic } from './recent-traffic.js';
import { tokenCookie, withBrowserToken } from './browser-auth.js';

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const assets = new Map<string, { type: string; body: Buffer }>([
  ['/', { type: 'text/html; charset=utf-8', body: Buffer.from(indexHtml) }],
  ['/dashboard/app.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(appJs) }],
  ['/dashboard/style.css', { type: 'text/css; charset=utf-8', body: Buffer.from(styleCss) }],
]);

const CONNECTION_PREFIX = '/dashboard/api/connections/';

export interface Dashboard {
  /** The admin routes, empty when `dashboard.enabled` is false. */
  readonly routes: readonly AdminRoute[];
  /** The management guard, accepting the dashboard's token cookie as a bearer token. */
  guard(guard: AdminGuard | undefined): AdminGuard | undefined;
  /** Unsubscribes from the diagnostics channels. */
  close(): void;
}

export type DashboardOptions = Omit<DashboardSources, 'stats' | 'traffic'>;

export function createDashboard(options: DashboardOptions): Dashboard {
  if (!options.config.dashboard.enabled)
    return { routes: [], guard: (guard) => guard, close: () => undefined };
  const stats = new DashboardStats();
  const traffic = new RecentTraffic(options.config.dashboard.recentTraffic);
  const sources: DashboardSources = { ...options, stats, traffic };
  const secureCookie = options.config.tls.certFile !== undefined && options.config.tls.listeners !== 'client';

  const login: AdminRoute = {
    name: 'dashboard-login',
    authenticated: false,
    matches: (request, url) =>
      request.method === 'GET' && url.path === '/' && new URLSearchParams(url.query).has('token'),
    handle(request, response, url) {
      request.resume();
      const token = new URLSearchParams(url.query).get('token') ?? '';
      response.writeHead(303, {
        location: '/',
        'set-cookie': tokenCookie(token, secureCookie),
        'x-amzn-RequestId': randomUUID(),
        ...SECURITY_HEADERS,
        'content-length': '0',
      });
      response.end();
    },
  };
  const pages: AdminRoute = {
    name: 'dashboard',
    authenticated: true,
    matches: (request, url) =>
      (request.method === 'GET' || request.method === 'HEAD') && assets.has(url.path),
    handle(request, response, url) {
      request.resume();
      const asset = assets.get(url.path);
      if (asset === undefined) return;
      response.writeHead(200, {
        'content-type': asset.type,
        'content-length': String(asset.body.length),
        ...SECURITY_HEADERS,
      });
      response.end(request.method === 'HEAD' ? undefined : asset.body);
    },
  };
  const data: AdminRoute = {
    name: 'dashboard-api',
    authenticated: true,
    matches: (request, url) =>
      request.method === 'GET' &&
      (url.path === '/dashboard/api/overview' || url.path.startsWith(CONNECTION_PREFIX)),
    handle(request, response, url) {
      request.resume();
      if (url.path === '/dashboard/api/overview') {
        overview(sources).then(
          (body) => sendJsonNoStore(response, body),
          () =>
            sendError(
              response,
              500,
              'InternalServerErrorException',
              'SWB_ERR_INTERNAL',
              'the figures could not be read',
            ),
        );
        return;
      }
      let id: string;
      try {
        id = decodeURIComponent(url.path.slice(CONNECTION_PREFIX.length));
      } catch {
        sendError(
          response,
          400,
          'BadRequestException',
          'SWB_ERR_BAD_REQUEST',
          'Invalid connectionId: not valid percent-encoding',
        );
        return;
      }
      sendConnectionDetails(sources, response, id);
    },
  };
  return {
    routes: [login, pages, data],
    guard: (guard) => (guard === undefined ? undefined : withBrowserToken(guard)),
    close() {
      stats.close();
      traffic.close();
    },
  };
}

function sendJsonNoStore(response: ServerResponse, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    'cache-control': 'no-store',
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(payload);
}
