/**
 * Groups and broadcast on the admin listener (Switchboard's addition to AWS):
 * `PUT|DELETE /{stage}/@groups/{name}/{connectionId}` joins or leaves a group on the connection's
 * node, `POST /{stage}/@groups/{name}` publishes to the group on every node, and
 * `POST /{stage}/@broadcast` sends to every connection of the stage. A publish costs one bus message
 * per node and answers how many connections it reached.
 * @see docs/protocol.md "Groups and broadcast"
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FanOutResponse } from '@switchboard/protocol';
import { GROUP_NAME_PATTERN } from '../cluster/group-index.js';
import type { LocalDelivery } from '../cluster/local-delivery.js';
import type { FanOutResult } from '../cluster/cluster-node.js';
import { ops, replyStatus } from '../cluster/owner-protocol.js';
import { GatewayError } from '../errors.js';
import type { AdminRoute, AdminRequestUrl } from './admin-server.js';
import type { RemoteConnections } from './remote-connections.js';
import { readPostBody } from './request-body.js';
import { sendEmpty, sendError, sendGatewayError, sendJson } from './responses.js';

/** What the groups route needs of the cluster node. */
export interface FanOut extends RemoteConnections {
  fanOut(
    op: typeof ops.group | typeof ops.broadcast,
    stage: string,
    group: string,
    data: Buffer,
  ): Promise<FanOutResult>;
}

type GroupsTarget =
  | { readonly kind: 'publish'; readonly stage: string; readonly group: string }
  | { readonly kind: 'member'; readonly stage: string; readonly group: string; readonly connectionId: string }
  | { readonly kind: 'broadcast'; readonly stage: string };

/** Parses `/{stage}/@groups/{name}[/{id}]` and `/{stage}/@broadcast`, with `@` or `%40`. */
export function parseGroupsPath(path: string): GroupsTarget | undefined {
  const segments = path.split('/');
  if (segments[0] !== '' || segments.length < 3) return undefined;
  const stage = segments[1] ?? '';
  const kind = (segments[2] ?? '').replace(/^%40/i, '@');
  if (stage === '') return undefined;
  if (kind === '@broadcast' && segments.length === 3) return { kind: 'broadcast', stage };
  if (kind !== '@groups' || segments.length < 4 || segments.length > 5) return undefined;
  let group: string;
  let connectionId: string | undefined;
  try {
    group = decodeURIComponent(segments[3] ?? '');
    connectionId = segments[4] === undefined ? undefined : decodeURIComponent(segments[4]);
  } catch {
    return undefined;
  }
  if (connectionId === undefined) return { kind: 'publish', stage, group };
  return { kind: 'member', stage, group, connectionId };
}

export function groupsRoute(options: {
  readonly stages: readonly string[];
  readonly local: LocalDelivery;
  readonly cluster: FanOut;
}): AdminRoute {
  const stages = new Set(options.stages);
  const { local, cluster } = options;
  return {
    name: 'groups',
    authenticated: true,
    matches: (_request, url: AdminRequestUrl) => parseGroupsPath(url.path) !== undefined,
    handle(request, response, url) {
      const target = parseGroupsPath(url.path);
      if (target === undefined) return;
      if (!stages.has(target.stage)) {
        request.resume();
        sendError(response, 403, 'ForbiddenException', 'SWB_ERR_STAGE_NOT_FOUND', 'Forbidden');
        return;
      }
      if (target.kind !== 'broadcast' && !GROUP_NAME_PATTERN.test(target.group)) {
        request.resume();
        sendError(
          response,
          400,
          'BadRequestException',
          'SWB_ERR_BAD_REQUEST',
          'Invalid group name: use 1 to 128 of A-Z a-z 0-9 _ . : -',
        );
        return;
      }
      if (target.kind === 'member') {
        request.resume();
        membership(request, response, target, local, cluster);
        return;
      }
      if (request.method !== 'POST') {
        request.resume();
        sendError(response, 403, 'ForbiddenException', 'SWB_ERR_MANAGEMENT_NOT_FOUND', 'Forbidden');
        return;
      }
      readPostBody(request, response, (body) => {
        try {
          local.checkData(body);
        } catch (error) {
          sendGatewayError(response, error as GatewayError);
          return;
        }
        const op = target.kind === 'publish' ? ops.group : ops.broadcast;
        cluster.fanOut(op, target.stage, target.kind === 'publish' ? target.group : '', body).then(
          (result) => sendJson(response, 200, result satisfies FanOutResponse),
          (error: unknown) =>
            sendGatewayError(
              response,
              error instanceof GatewayError
                ? error
                : new GatewayError('SWB_ERR_INTERNAL', 'fan-out failed', { cause: error }),
            ),
        );
      });
    },
  };
}

function membership(
  request: IncomingMessage,
  response: ServerResponse,
  target: Extract<GroupsTarget, { kind: 'member' }>,
  local: LocalDelivery,
  cluster: FanOut,
): void {
  const join = request.method === 'PUT';
  if (!join && request.method !== 'DELETE') {
    sendError(response, 403, 'ForbiddenException', 'SWB_ERR_MANAGEMENT_NOT_FOUND', 'Forbidden');
    return;
  }
  const connection = local.find(target.connectionId, target.stage);
  if (connection !== undefined) {
    if (join) local.groups.join(connection, target.group);
    else local.groups.leave(connection, target.group);
    sendEmpty(response, 204);
    return;
  }
  if (!cluster.isRemote(target.connectionId)) {
    sendError(response, 410, 'GoneException', 'SWB_ERR_CONNECTION_GONE', null);
    return;
  }
  cluster
    .call(target.connectionId, join ? ops.join : ops.leave, target.stage, Buffer.alloc(0), target.group)
    .then(
      ({ status }) => {
        if (status === replyStatus.ok) sendEmpty(response, 204);
        else if (status === replyStatus.gone)
          sendError(response, 410, 'GoneException', 'SWB_ERR_CONNECTION_GONE', null);
        else
          sendError(
            response,
            500,
            'InternalServerErrorException',
            'SWB_ERR_INTERNAL',
            'Internal server error',
          );
      },
      (error: unknown) =>
        sendGatewayError(
          response,
          error instanceof GatewayError
            ? error
            : new GatewayError('SWB_ERR_INTERNAL', 'group call failed', { cause: error }),
        ),
    );
}
