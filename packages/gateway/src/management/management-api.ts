/**
 * The `@connections` management API: POST sends one frame to a connection, GET describes it, DELETE
 * closes it (firing `$disconnect`), and Switchboard's GET on `@connections` lists open connections by
 * page. Statuses, bodies and headers follow AWS's `apigatewaymanagementapi` so its SDKs work unchanged.
 * @see docs/protocol.md "Management API"
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readPostBody } from './request-body.js';
import { type ConnectionSummary, type GetConnectionResponse, type ListConnectionsResponse } from '@switchboard/protocol';
import type { Connection } from '../connections/connection.js';
import type { ConnectionRegistry } from '../connections/registry.js';
import { closeReasons, type ConnectionLifecycle } from '../events/connection-lifecycle.js';
import { hasCode } from '../errors.js';
import type { ManagementTarget } from './management-path.js';
import { handleRemote, type RemoteConnections } from './remote-connections.js';
import { sendEmpty, sendError, sendJson } from './responses.js';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

export interface ManagementApiOptions {
  readonly registry: ConnectionRegistry;
  readonly lifecycle: ConnectionLifecycle;
  readonly stages: readonly string[];
  /** Cluster mode: where calls for connections held by other nodes go. */
  readonly cluster?: RemoteConnections;
}

export class ManagementApi {
  readonly #registry: ConnectionRegistry;
  readonly #lifecycle: ConnectionLifecycle;
  readonly #stages: ReadonlySet<string>;
  readonly #cluster: RemoteConnections | undefined;

  constructor(options: ManagementApiOptions) {
    this.#cluster = options.cluster;
    this.#registry = options.registry;
    this.#lifecycle = options.lifecycle;
    this.#stages = new Set(options.stages);
  }

  handle(request: IncomingMessage, response: ServerResponse, target: ManagementTarget, query: URLSearchParams): void {
    if (target.stage !== undefined && !this.#stages.has(target.stage)) {
      this.#drain(request);
      sendError(response, 403, 'ForbiddenException', 'SWB_ERR_STAGE_NOT_FOUND', 'Forbidden');
      return;
    }
    if (target.kind === 'list') {
      this.#drain(request);
      if (request.method !== 'GET') {
        sendError(response, 403, 'ForbiddenException', 'SWB_ERR_MANAGEMENT_NOT_FOUND', 'Forbidden');
        return;
      }
      this.#list(response, target.stage, query);
      return;
    }
    const connection = this.#registry.get(target.connectionId);
    if (connection === undefined && this.#cluster?.isRemote(target.connectionId) === true) {
      handleRemote(this.#cluster, request, response, target.connectionId, target.stage ?? '');
      return;
    }
    const gone = connection === undefined || (target.stage !== undefined && connection.stage !== target.stage);
    switch (request.method ?? '') {
      case 'POST':
        this.#post(request, response, gone ? undefined : connection);
        return;
      case 'GET':
        this.#drain(request);
        if (gone) sendError(response, 410, 'GoneException', 'SWB_ERR_CONNECTION_GONE', null);
        else sendJson(response, 200, describe(connection));
        return;
      case 'DELETE':
        this.#drain(request);
        if (gone) {
          sendError(response, 410, 'GoneException', 'SWB_ERR_CONNECTION_GONE', null);
          return;
        }
        this.#lifecycle.close(connection, closeReasons.deleted.code, closeReasons.deleted.reason);
        sendEmpty(response, 204);
        return;
      default:
        this.#drain(request);
        sendError(response, 403, 'ForbiddenException', 'SWB_ERR_MANAGEMENT_NOT_FOUND', 'Forbidden');
    }
  }

  #post(request: IncomingMessage, response: ServerResponse, connection: Connection | undefined): void {
    readPostBody(request, response, (body) => {
      if (connection === undefined || this.#registry.get(connection.id) !== connection) {
        sendError(response, 410, 'GoneException', 'SWB_ERR_CONNECTION_GONE', null);
        return;
      }
      this.#lifecycle.push(connection, body).then(
        () => {
          sendEmpty(response, 200);
        },
        (error: unknown) => {
          if (hasCode(error, 'SWB_ERR_CONNECTION_GONE')) sendError(response, 410, 'GoneException', 'SWB_ERR_CONNECTION_GONE', null);
          else if (hasCode(error, 'SWB_ERR_BAD_REQUEST')) sendError(response, 400, 'BadRequestException', 'SWB_ERR_BAD_REQUEST', error.message);
          else if (hasCode(error, 'SWB_ERR_SEND_BUFFER_FULL')) sendError(response, 429, 'LimitExceededException', 'SWB_ERR_SEND_BUFFER_FULL', 'Limit Exceeded');
          else sendError(response, 500, 'InternalServerErrorException', 'SWB_ERR_INTERNAL', 'Internal server error');
        },
      );
    });
  }

  #list(response: ServerResponse, stage: string | undefined, query: URLSearchParams): void {
    const limitParam = query.get('limit') ?? query.get('maxResults');
    const limit = limitParam === null ? DEFAULT_PAGE : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      sendError(response, 400, 'BadRequestException', 'SWB_ERR_BAD_REQUEST', `limit must be an integer from 1 to ${MAX_PAGE}`);
      return;
    }
    const token = query.get('nextToken');
    const after = token === null ? 0 : decodeToken(token);
    if (after === undefined) {
      sendError(response, 400, 'BadRequestException', 'SWB_ERR_BAD_REQUEST', 'nextToken is not a token this gateway issued');
      return;
    }
    const page = this.#registry.page(stage, limit, after);
    const body: ListConnectionsResponse = { items: page.items.map(summarize) };
    if (page.next !== undefined) body.nextToken = Buffer.from(String(page.next)).toString('base64url');
    sendJson(response, 200, body);
  }

  /** Discards a request body the answer does not need. */
  #drain(request: IncomingMessage): void {
    request.resume();
  }
}

function decodeToken(token: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString();
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

function describe(connection: Connection): GetConnectionResponse {
  return {
    connectedAt: new Date(connection.connectedAt).toISOString(),
    identity: { sourceIp: connection.handshake.sourceIp, userAgent: connection.handshake.userAgent },
    lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
  };
}

function summarize(connection: Connection): ConnectionSummary {
  return { connectionId: connection.id, stage: connection.stage, ...describe(connection) };
}
