/**
 * Payloads of the `@connections` management API. GET and the error types follow AWS's
 * `apigatewaymanagementapi` model exactly; the listing call is Switchboard's own addition.
 * @see docs/protocol.md "Management API"
 */

export interface ConnectionIdentity {
  sourceIp: string;
  userAgent: string;
}

/** Body of `GET /{stage}/@connections/{id}`; times are ISO-8601. */
export interface GetConnectionResponse {
  connectedAt: string;
  identity: ConnectionIdentity;
  lastActiveAt: string;
}

/** One item of `GET /{stage}/@connections` (Switchboard only). */
export interface ConnectionSummary extends GetConnectionResponse {
  connectionId: string;
  stage: string;
}

/** Body of `GET /{stage}/@connections?limit=N&nextToken=T` (Switchboard only). */
export interface ListConnectionsResponse {
  items: ConnectionSummary[];
  /** Absent on the last page. */
  nextToken?: string;
}

/** Values of the `x-amzn-ErrorType` header. */
export type ManagementErrorType =
  | 'GoneException'
  | 'PayloadTooLargeException'
  | 'LimitExceededException'
  | 'ForbiddenException'
  | 'BadRequestException'
  | 'InternalServerErrorException'
  | 'GatewayTimeoutException'
  | 'ServiceUnavailableException';

/** Largest body `POST @connections/{id}` accepts, as on AWS (131072 bytes). */
export const MAX_POST_BYTES = 131_072;

/** Header carrying the Switchboard error code on every management API error and every refused WebSocket handshake. */
export const ERROR_CODE_HEADER = 'x-switchboard-error-code';
