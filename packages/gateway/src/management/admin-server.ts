/**
 * The admin listener: `/healthz` (the process is up), `/readyz` (503 while draining) and the
 * `@connections` management API. It binds to loopback by default.
 */
import { createServer, type Server } from 'node:http';
import type { ManagementApi } from './management-api.js';
import { parseManagementPath } from './management-path.js';
import { sendError, sendJson } from './responses.js';

export interface AdminState {
  readonly draining: boolean;
}

export function createAdminServer(api: ManagementApi, state: AdminState): Server {
  return createServer((request, response) => {
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    if (path === '/healthz' && request.method === 'GET') {
      sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz' && request.method === 'GET') {
      if (state.draining) sendJson(response, 503, { status: 'draining' });
      else sendJson(response, 200, { status: 'ready' });
      return;
    }
    const target = parseManagementPath(path);
    if (target === undefined) {
      request.resume();
      sendError(response, 403, 'ForbiddenException', 'SWB_ERR_MANAGEMENT_NOT_FOUND', 'Forbidden');
      return;
    }
    if (target.kind === 'malformed') {
      request.resume();
      sendError(response, 400, 'BadRequestException', 'SWB_ERR_BAD_REQUEST', `Invalid connectionId: ${target.reason}`);
      return;
    }
    api.handle(request, response, target, new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1)));
  });
}
