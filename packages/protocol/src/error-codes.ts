/**
 * The catalogue of Switchboard's stable error codes. Each code names one failure, with the HTTP status
 * the gateway answers with and, where a client connection is affected, the WebSocket close code.
 * `docs/errors.md` lists every code; a test keeps the two in step.
 */

export interface ErrorCodeSpec {
  /** HTTP status used when the error answers an HTTP request (upgrade or management API). */
  readonly status: number;
  /** WebSocket close code used when the error closes a client connection. */
  readonly closeCode?: number;
  /** One line that says what happened. */
  readonly summary: string;
}

export const errorCodes = {
  SWB_ERR_CONFIG_INVALID: { status: 500, summary: 'The configuration failed validation; every problem is listed with its path.' },
  SWB_ERR_CONFIG_UNREADABLE: { status: 500, summary: 'The configuration file could not be read or is not valid YAML.' },
  SWB_ERR_LISTEN: { status: 500, summary: 'A listener could not bind its address (port in use, no permission, unknown host).' },
  SWB_ERR_CLI_USAGE: { status: 400, summary: 'The command line has an unknown command, flag or a bad value.' },
  SWB_ERR_CLI_REQUEST: { status: 502, summary: 'A CLI management command could not reach the gateway, or got an answer it could not use.' },
  SWB_ERR_STAGE_NOT_FOUND: { status: 403, summary: 'The request names a stage that the gateway does not serve.' },
  SWB_ERR_DRAINING: { status: 503, closeCode: 1001, summary: 'The gateway is shutting down and accepts no new connections.' },
  SWB_ERR_CONNECT_REJECTED: { status: 403, summary: 'The $connect integration answered with a non-2xx status, so the handshake was refused with that status.' },
  SWB_ERR_BACKEND_UNREACHABLE: { status: 502, summary: 'The backend could not be reached (refused, reset, DNS failure).' },
  SWB_ERR_BACKEND_TIMEOUT: { status: 504, summary: 'The backend did not answer within the integration timeout.' },
  SWB_ERR_BACKEND_BAD_RESPONSE: { status: 502, summary: 'The backend answered with something the gateway cannot use (for example an oversize body).' },
  SWB_ERR_ROUTE_NOT_FOUND: { status: 403, summary: 'No route matched the message and there is no $default route: the client gets the Forbidden frame.' },
  SWB_ERR_FRAME_TOO_LARGE: { status: 413, closeCode: 1009, summary: 'A client frame was larger than limits.maxFrameBytes.' },
  SWB_ERR_MESSAGE_TOO_LARGE: { status: 413, closeCode: 1009, summary: 'A client message was larger than limits.maxMessageBytes.' },
  SWB_ERR_BINARY_REJECTED: { status: 400, closeCode: 1003, summary: 'A client sent a binary frame while limits.binary is "reject".' },
  SWB_ERR_PROTOCOL: { status: 400, closeCode: 1002, summary: 'A client broke the WebSocket protocol (bad frame, bad UTF-8, bad close code).' },
  SWB_ERR_IDLE_TIMEOUT: { status: 408, closeCode: 1001, summary: 'The connection was idle for longer than timeouts.idleMs.' },
  SWB_ERR_MAX_DURATION: { status: 408, closeCode: 1001, summary: 'The connection lived longer than timeouts.maxConnectionMs.' },
  SWB_ERR_CONNECTION_GONE: { status: 410, summary: 'The connection id is unknown, not yet connected, or already closed (GoneException).' },
  SWB_ERR_PAYLOAD_TOO_LARGE: { status: 413, summary: 'A management API body was larger than 128 KB (PayloadTooLargeException).' },
  SWB_ERR_MANAGEMENT_NOT_FOUND: { status: 403, summary: 'The management API path or method does not exist (ForbiddenException, as AWS answers).' },
  SWB_ERR_BAD_REQUEST: { status: 400, summary: 'A management API request has a malformed parameter (BadRequestException).' },
  SWB_ERR_INTERNAL: { status: 500, summary: 'An unexpected failure inside the gateway.' },
  SWB_ERR_LAMBDA_ERROR: { status: 502, summary: 'A local Lambda handler threw, rejected or returned an error.' },
  SWB_ERR_LAMBDA_TIMEOUT: { status: 502, summary: 'A local Lambda handler ran past its function timeout and was stopped.' },
  SWB_ERR_LAMBDA_CRASH: { status: 502, summary: "A local Lambda handler's execution environment died (uncaught error, process.exit, out of memory)." },
  SWB_ERR_LAMBDA_HANDLER: { status: 502, summary: 'A Lambda Handler string names a module file or export that does not exist, or the module imports one that cannot be found (Runtime.ImportModuleError).' },
  SWB_ERR_TEMPLATE_INVALID: { status: 500, summary: 'A CloudFormation or SAM template cannot be turned into a configuration.' },
  SWB_ERR_DYNAMODB_TABLES: { status: 500, summary: 'The DynamoDB tables of dynamodb.tables could not be created at dynamodb.endpoint at startup.' },
  SWB_ERR_MAPPING_TEMPLATE: { status: 500, summary: 'A VTL mapping template failed to parse or render.' },
  SWB_ERR_BAD_REQUEST_BODY: { status: 400, summary: 'A message failed request validation against its route model: the client gets the "Bad request body" frame.' },
  SWB_ERR_OWNER_TIMEOUT: { status: 504, summary: 'The cluster node that owns the connection did not answer within cluster.ownerTimeoutMs.' },
  SWB_ERR_CLUSTER_UNAVAILABLE: { status: 503, summary: 'The cluster bus (Redis or NATS) is unreachable, so a call that needs another node fails fast.' },
  SWB_ERR_NODE_FENCED: { status: 503, closeCode: 1001, summary: 'This cluster node has not heard its own heartbeat on the bus for cluster.leaseMs - cluster.heartbeatMs: it closed its clients and refuses new ones until it does again.' },
  SWB_ERR_UNAUTHORIZED: { status: 401, summary: 'The $connect authorizer found no identity (a missing identity source or token) or answered "Unauthorized".' },
  SWB_ERR_AUTHORIZER_DENIED: { status: 403, summary: 'The $connect authorizer denied the connection, its policy does not allow the methodArn, or an AWS_IAM upgrade is not validly signed.' },
  SWB_ERR_AUTHORIZER_FAILED: { status: 500, summary: 'The $connect authorizer failed (unreachable, timed out, malformed result).' },
  SWB_ERR_MANAGEMENT_AUTH: { status: 403, summary: 'A management API request failed authentication (SigV4 or bearer token): ForbiddenException.' },
  SWB_ERR_THROTTLED: { status: 429, summary: 'A throttling limit was hit: a new connection gets 429, a message the "Too Many Requests" frame.' },
  SWB_ERR_TLS: { status: 500, summary: 'The TLS certificate or key could not be read or used.' },
  SWB_ERR_SCALER_METADATA: { status: 400, summary: 'A KEDA ScaledObject sent scalerMetadata the external scaler cannot use (unknown metric or stage, a target that is not a positive number).' },
  SWB_ERR_SCALER_METRIC: { status: 404, summary: 'KEDA asked GetMetrics for a metricName the external scaler does not serve for that scalerMetadata.' },
  SWB_ERR_FIGURES_UNAVAILABLE: { status: 503, summary: 'The scaling figures (connections, message rate) could not be read, e.g. cluster-wide figures while the cluster bus is down.' },
  SWB_ERR_SESSION_STORE_UNAVAILABLE: { status: 503, summary: 'A session store (SQLite, Redis, DynamoDB) could not be opened or reached; the call may be retried.' },
  SWB_ERR_SESSION_STORE_INVALID: { status: 400, summary: 'A session store call had a bad argument (empty id, TTL not above 0, data not a JSON object); nothing was written.' },
  SWB_ERR_ADMIN_EXPOSED: { status: 500, summary: 'The admin listener would bind a non-loopback address with admin.auth.mode "off": the gateway refuses to start.' },
  SWB_ERR_ORIGIN_NOT_ALLOWED: { status: 403, summary: 'A browser upgrade came from an Origin that security.allowedOrigins does not list.' },
  SWB_ERR_TOO_MANY_CONNECTIONS: { status: 429, summary: 'One client IP address already holds security.maxConnectionsPerIp TCP connections on the client port.' },
  SWB_ERR_BAD_HANDSHAKE: { status: 400, summary: 'An upgrade request is not a valid WebSocket handshake (method, Upgrade, Sec-WebSocket-Key, -Version or -Protocol).' },
  SWB_ERR_HANDSHAKE_TIMEOUT: { status: 408, summary: 'A TCP connection on the client port did not send its upgrade request within timeouts.handshakeMs.' },
  SWB_ERR_ADMIN_HOST_NOT_ALLOWED: { status: 403, summary: 'A request to the unauthenticated admin listener named a Host that is not loopback, an IP address or an allowed name (DNS rebinding).' },
  SWB_ERR_ADMIN_CROSS_ORIGIN: { status: 403, summary: 'A browser request to the unauthenticated admin listener came from another origin (CSRF).' },
  SWB_ERR_SEND_BUFFER_FULL: { status: 429, summary: "A push found the client's send buffer above backpressure.highWaterBytes (LimitExceededException); nothing was sent." },
  SWB_ERR_SLOW_CONSUMER: { status: 429, closeCode: 1013, summary: "A client's send buffer grew above backpressure.maxBufferedBytes: the connection is closed with 1013." },
  SWB_ERR_QUEUE_DROPPED: { status: 503, summary: 'Messages still queued by a client that had closed were dropped: open connections needed dispatch.maxQueuedBytesTotal.' },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof errorCodes;

/** All codes, in catalogue order. */
export const allErrorCodes = Object.keys(errorCodes) as ErrorCode[];
