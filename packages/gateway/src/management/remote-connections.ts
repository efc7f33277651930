/**
 * The management API's path for a connection another cluster node holds: read the body (same limits
 * as a local POST), send the call to the owning node over the cluster bus, and answer with what it
 * did. 200 only once the owner wrote the frame; 410 gone; 504 owner silent; 503 bus down.
 * @see docs/protocol.md "Cluster mode: calls for connections on other nodes"
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OwnerReply } from '../cluster/owner-protocol.js';
import { readPostBody } from './request-body.js';
import { ops, replyStatus } from '../cluster/owner-protocol.js';
import { GatewayError } from '../errors.js';
import { sendEmpty, sendError, sendGatewayError, sendJson } from './responses.js';

/** What the management API needs of the cluster node. */
export interface RemoteConnections {
  /** True when another node made the id (so this node's registry cannot hold it). */
  isRemote(connectionId: string): boolean;
  call(
    connectionId: string,
    op: typeof ops.post | typeof ops.get | typeof ops.delete | typeof ops.join | typeof ops.leave,
    stage: string,
    data?: Buffer,
    group?: string,
  ): Promise<OwnerReply>;
}

export function handleRemote(
  cluster: RemoteConnections,
  request: IncomingMessage,
  response: ServerResponse,
  connectionId: string,
  stage: string,
): void {
  const method = request.method ?? '';
  if (method !== 'POST') request.resume();
  const op =
    method === 'POST' ? ops.post : method === 'GET' ? ops.get : method === 'DELETE' ? ops.delete : undefined;
  if (op === undefined) {
    sendError(response, 403, 'ForbiddenException', 'SWB_ERR_MANAGEMENT_NOT_FOUND', 'Forbidden');
    return;
  }
  if (op !== ops.post) {
    answer(cluster.call(connectionId, op, stage), response, op);
    return;
  }
  readPostBody(request, response, (body) => {
    answer(cluster.call(connectionId, op, stage, body), response, op);
  });
}


function answer(reply: Promise<OwnerReply>, response: ServerResponse, op: number): void {
  reply.then(
    ({ status, body }) => {
      if (status === replyStatus.ok) {
        if (op === ops.get) sendJson(response, 200, JSON.parse(body.toString()) as unknown);
        else sendEmpty(response, op === ops.delete ? 204 : 200);
      } else if (status === replyStatus.gone)
        sendError(response, 410, 'GoneException', 'SWB_ERR_CONNECTION_GONE', null);
      else if (status === replyStatus.badRequest)
        sendError(response, 400, 'BadRequestException', 'SWB_ERR_BAD_REQUEST', body.toString());
      else if (status === replyStatus.bufferFull)
        sendError(response, 429, 'LimitExceededException', 'SWB_ERR_SEND_BUFFER_FULL', 'Limit Exceeded');
      else
        sendError(response, 500, 'InternalServerErrorException', 'SWB_ERR_INTERNAL', 'Internal server error');
    },
    (error: unknown) => {
      sendGatewayError(
        response,
        error instanceof GatewayError
          ? error
          : new GatewayError('SWB_ERR_INTERNAL', 'unexpected cluster failure', { cause: error }),
      );
    },
  );
}
