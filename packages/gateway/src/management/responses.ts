/**
 * Writing management API responses the way AWS does: `x-amzn-RequestId` on every response, and on
 * errors `x-amzn-ErrorType` (the AWS SDKs take the error name from it) plus Switchboard's own code.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ERROR_CODE_HEADER, type ManagementErrorType, type ErrorCode } from '@switchboard/protocol';
import type { GatewayError } from '../errors.js';

export function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'x-amzn-RequestId': randomUUID(), 'content-length': '0' });
  response.end();
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { 'x-amzn-RequestId': randomUUID(), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
  response.end(payload);
}

/**
 * An AWS-style error. `message` null gives `{"message":null}`, the body AWS sends with GoneException.
 * `closeConnection` adds `Connection: close`, for answers sent before the request body was read.
 */
export function sendError(
  response: ServerResponse,
  status: number,
  type: ManagementErrorType,
  code: ErrorCode,
  message: string | null,
  closeConnection = false,
): void {
  const payload = JSON.stringify({ message });
  const headers: Record<string, string> = {
    'x-amzn-RequestId': randomUUID(),
    'x-amzn-ErrorType': type,
    [ERROR_CODE_HEADER]: code,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
  };
  if (closeConnection) headers.connection = 'close';
  response.writeHead(status, headers);
  response.end(payload);
}

/** Answers with the AWS error type and status that fit a GatewayError from a cluster call. */
export function sendGatewayError(response: ServerResponse, error: GatewayError): void {
  const { code } = error;
  if (code === 'SWB_ERR_CONNECTION_GONE') sendError(response, 410, 'GoneException', code, null);
  else if (code === 'SWB_ERR_OWNER_TIMEOUT') sendError(response, 504, 'GatewayTimeoutException', code, error.message);
  else if (code === 'SWB_ERR_CLUSTER_UNAVAILABLE') sendError(response, 503, 'ServiceUnavailableException', code, error.message);
  else if (code === 'SWB_ERR_BAD_REQUEST') sendError(response, 400, 'BadRequestException', code, error.message);
  else sendError(response, 500, 'InternalServerErrorException', 'SWB_ERR_INTERNAL', 'Internal server error');
}
