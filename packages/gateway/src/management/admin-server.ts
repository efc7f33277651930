/**
 * The admin listener: one HTTP server for the health probes, the `@connections` management API and
 * whatever later modules add (metrics, groups, dashboard). Each is an AdminRoute tried in order;
 * routes marked `authenticated` pass the optional `authenticate` guard first. Anything unclaimed gets
 * AWS's 403 ForbiddenException. It binds to loopback by default.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ManagementApi } from './management-api.js';
import { parseManagementPath } from './management-path.js';
import { takePrereadBody } from './preread-body.js';
import { sendError, sendJson } from './responses.js';

export interface AdminRequestUrl {
  /** The raw path, without the query string. */
  readonly path: string;
  /** The raw query string without `?`, or "". */
  readonly query: string;
}

export interface AdminRoute {
  /** For logs and tests. */
  readonly name: string;
  /** Run the `authenticate` guard before `handle`. */
  readonly authenticated: boolean;
  /** Handles the request and returns true, or returns false (writing nothing) when it is not this route's. */
  matches(request: IncomingMessage, url: AdminRequestUrl): boolean;
  handle(request: IncomingMessage, response: ServerResponse, url: AdminRequestUrl): void;
}

/**
 * Answers and returns false when the request may not proceed; returns true otherwise. A guard that
 * must read the body (SigV4 hashes it) returns a promise and records the body with
 * `setPrereadBody`; the route then receives it as one `data` event and `end`, right after `handle`
 * attached its listeners, so the body is read from the socket once.
 */
export type AdminGuard = (request: IncomingMessage, response: ServerResponse, url: AdminRequestUrl) => boolean | Promise<boolean>;

export type AdminRequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export function createAdminServer(routes: readonly AdminRoute[], authenticate?: AdminGuard, createListener: (handler: AdminRequestHandler) => Server = createServer): Server {
  return createListener(adminRequestHandler(routes, authenticate));
}

/** The admin listener's request handler, also used to serve the management API on the client listener. */
export function adminRequestHandler(routes: readonly AdminRoute[], authenticate?: AdminGuard): AdminRequestHandler {
  return (request, response) => {
    const raw = request.url ?? '/';
    const queryStart = raw.indexOf('?');
    const url: AdminRequestUrl = queryStart === -1 ? { path: raw, query: '' } : { path: raw.slice(0, queryStart), query: raw.slice(queryStart + 1) };
    for (const route of routes) {
      if (!route.matches(request, url)) continue;
      const verdict = route.authenticated && authenticate !== undefined ? authenticate(request, response, url) : true;
      if (verdict === true) route.handle(request, response, url);
      else if (verdict === false) request.resume();
      else {
        verdict.then(
          (allowed) => {
            if (!allowed) {
              request.resume();
              return;
            }
            const body = takePrereadBody(request);
            route.handle(request, response, url);
            if (body !== undefined) {
              request.emit('data', body);
              request.emit('end');
            }
          },
          (error: unknown) => {
            request.destroy(error as Error);
          },
        );
      }
      return;
    }
    request.resume();
    sendError(response, 403, 'ForbiddenException', 'SWB_ERR_MANAGEMENT_NOT_FOUND', 'Forbidden');
  };
}

/** `GET /healthz` (the process is up) and `GET /readyz` (503 while draining, or while a cluster node is fenced). */
export function healthRoute(state: { readonly draining: boolean; readonly fenced?: boolean }): AdminRoute {
  return {
    name: 'health',
    authenticated: false,
    matches: (request, url) => request.method === 'GET' && (url.path === '/healthz' || url.path === '/readyz'),
    handle(_request, response, url) {
      if (url.path === '/healthz') sendJson(response, 200, { status: 'ok' });
      else if (state.draining) sendJson(response, 503, { status: 'draining' });
      else if (state.fenced === true) sendJson(response, 503, { status: 'fenced' });
      else sendJson(response, 200, { status: 'ready' });
    },
  };
}

/** The `@connections` management API under `/{stage}/@connections` and `/@connections`. */
export function managementRoute(api: ManagementApi): AdminRoute {
  return {
    name: 'management',
    authenticated: true,
    matches: (_request, url) => parseManagementPath(url.path) !== undefined,
    handle(request, response, url) {
      const target = parseManagementPath(url.path);
      if (target === undefined) return;
      if (target.kind === 'malformed') {
        request.resume();
        sendError(response, 400, 'BadRequestException', 'SWB_ERR_BAD_REQUEST', `Invalid connectionId: ${target.reason}`);
        return;
      }
      api.handle(request, response, target, new URLSearchParams(url.query));
    },
  };
}
