/**
 * Writing management API responses the way AWS does: `x-amzn-RequestId` on every response, and on
 * errors `x-amzn-ErrorType` (the AWS SDKs take the error name from it) plus Switchboard's own code.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ERROR_CODE_HEADER, type ManagementErrorType, type ErrorCode } from '@switchboard/protocol';

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
