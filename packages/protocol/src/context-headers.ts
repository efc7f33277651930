/**
 * Headers the gateway adds to every backend request. The `x-switchboard-*` headers let a backend answer
 * with no configuration; the `x-amzn-*` and `x-forwarded-*` ones are those Amazon API Gateway always sends.
 * Names are lower case, as HTTP/1.1 treats them case-insensitively.
 * @see docs/protocol.md "What the backend receives"
 */

export const contextHeaders = {
  connectionId: 'x-switchboard-connection-id',
  routeKey: 'x-switchboard-route-key',
  eventType: 'x-switchboard-event-type',
  requestId: 'x-switchboard-request-id',
  messageId: 'x-switchboard-message-id',
  stage: 'x-switchboard-stage',
  /** Base URL of the management API for this stage: POST `${value}/@connections/{id}` pushes to a client. */
  managementUrl: 'x-switchboard-management-url',
  connectedAt: 'x-switchboard-connected-at',
  /** Present on DISCONNECT: the close code the connection ended with. */
  disconnectStatusCode: 'x-switchboard-disconnect-status-code',
  /** Present on DISCONNECT: the close reason, URI-encoded. */
  disconnectReason: 'x-switchboard-disconnect-reason',
  /** Present on MESSAGE when the client frame was binary and binary frames are accepted. */
  binary: 'x-switchboard-binary',
} as const;

export const awsHeaders = {
  apiId: 'x-amzn-apigateway-api-id',
  traceId: 'x-amzn-trace-id',
  forwardedFor: 'x-forwarded-for',
  forwardedProto: 'x-forwarded-proto',
  forwardedPort: 'x-forwarded-port',
} as const;

export type EventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
