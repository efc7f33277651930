/**
 * One request from the gateway, already read: method, path, query, headers and the raw body.
 * Also the two context values the sample backend needs: the connection id and the management URL.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { contextHeaders } from '@switchboard/protocol';

export interface BackendEvent {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * The AWS RequestParameters convention: `integration.request.header.connectionId` mapped from
 * `context.connectionId` arrives as this (lower-cased) header.
 */
export const awsConnectionIdHeader = 'connectionid';

/** First value of a header, or undefined when absent or empty. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

/** The connection id: `x-switchboard-connection-id`, else the AWS-style `connectionId` header. */
export function connectionIdOf(headers: IncomingHttpHeaders): string | undefined {
  return headerValue(headers, contextHeaders.connectionId) ?? headerValue(headers, awsConnectionIdHeader);
}

/** The management API base URL for this connection's stage, e.g. `http://127.0.0.1:8081/dev`. */
export function managementUrlOf(headers: IncomingHttpHeaders): string | undefined {
  return headerValue(headers, contextHeaders.managementUrl);
}
