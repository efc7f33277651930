/**
 * The Lambda proxy event of an AWS_PROXY integration, exactly as API Gateway builds it for
 * WebSocket APIs: CONNECT with the client's headers (their case kept) and query string, MESSAGE with
 * the body and no HTTP metadata, DISCONNECT with AWS's odd fixed headers and the close code.
 * @see ../../../../../shared/docs/aws-websocket-api.md section 2.4 (golden tests: test/integrations/aws-proxy-event.test.ts)
 */
import { authorizerForEvent } from '../auth/authorizer-context.js';
import { clfTime, type ApiIdentity, type IntegrationEvent } from './integration-event.js';

/** Handshake headers AWS does not pass to the `$connect` integration (hop-by-hop), lower case. */
const DROPPED = new Set([
  'connection',
  'upgrade',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'x-forwarded-for',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-amzn-trace-id',
]);

export interface AwsProxyEvent {
  readonly headers?: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
  readonly queryStringParameters?: Record<string, string>;
  readonly multiValueQueryStringParameters?: Record<string, string[]>;
  readonly requestContext: Record<string, unknown>;
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

/** Builds the event for `event`; `traceId` is the `X-Amzn-Trace-Id` of this call (CONNECT only). */
export function awsProxyEvent(event: IntegrationEvent, api: ApiIdentity, traceId: string): AwsProxyEvent {
  switch (event.eventType) {
    case 'CONNECT':
      return connectEvent(event, api, traceId);
    case 'MESSAGE':
      return messageEvent(event, api);
    case 'DISCONNECT':
      return disconnectEvent(event, api);
  }
}

/**
 * `JSON.stringify(awsProxyEvent(event, api, traceId))`, the same text, written without building the
 * objects first for a MESSAGE without an authorizer (the per-message path of event batches). The
 * parts that stay the same for a connection are built at its first message and kept with it.
 */
export function awsProxyEventJson(event: IntegrationEvent, api: ApiIdentity, traceId: string): string {
  if (event.eventType !== 'MESSAGE' || event.authorizer !== undefined)
    return JSON.stringify(awsProxyEvent(event, api, traceId));
  const binary = event.binary === true;
  const body = event.body ?? EMPTY;
  const parts = connectionParts(event, api);
  const requestId = JSON.stringify(event.requestId);
  return (
    `{"requestContext":{"routeKey":${JSON.stringify(event.routeKey)},` +
    (event.messageId === undefined ? '' : `"messageId":${JSON.stringify(event.messageId)},`) +
    `"eventType":"MESSAGE","extendedRequestId":${requestId},"requestTime":"${clfTime(event.requestTimeEpoch)}` +
    parts.beforeEpoch +
    String(event.requestTimeEpoch) +
    parts.beforeRequestId +
    requestId +
    parts.beforeBody +
    (binary ? `"${body.toString('base64')}"` : JSON.stringify(body.toString())) +
    (binary ? ',"isBase64Encoded":true}' : ',"isBase64Encoded":false}')
  );
}

/**
 * The JSON of a MESSAGE event's requestContext that is the same for every message of a connection,
 * in three pieces around the fields that change.
 */
interface ConnectionParts {
  readonly api: ApiIdentity;
  readonly connectionId: string;
  readonly stage: string;
  readonly connectedAt: number;
  /** `","messageDirection":"IN","stage":…,"connectedAt":…,"requestTimeEpoch":` (closes requestTime). */
  readonly beforeEpoch: string;
  /** `,"identity":{"userAgent":…,"sourceIp":…},"requestId":` */
  readonly beforeRequestId: string;
  /** `,"domainName":…,"connectionId":…,"apiId":…},"body":` */
  readonly beforeBody: string;
}

/**
 * The parts, by the connection's handshake (one object per connection, held as long as the
 * connection): only connections that send messages through such an integration have them, and they
 * go with the connection. They are checked against the event, so a handshake object reused for
 * another connection or API gets parts of its own.
 */
const partsByHandshake = new WeakMap<IntegrationEvent['handshake'], ConnectionParts>();

function connectionParts(event: IntegrationEvent, api: ApiIdentity): ConnectionParts {
  const known = partsByHandshake.get(event.handshake);
  if (
    known !== undefined &&
    known.api === api &&
    known.connectionId === event.connectionId &&
    known.stage === event.stage &&
    known.connectedAt === event.connectedAt
  )
    return known;
  const { handshake } = event;
  const parts: ConnectionParts = {
    api,
    connectionId: event.connectionId,
    stage: event.stage,
    connectedAt: event.connectedAt,
    beforeEpoch: `","messageDirection":"IN","stage":${JSON.stringify(event.stage)},"connectedAt":${event.connectedAt},"requestTimeEpoch":`,
    beforeRequestId: `,"identity":{"userAgent":${JSON.stringify(handshake.userAgent)},"sourceIp":${JSON.stringify(handshake.sourceIp)}},"requestId":`,
    beforeBody: `,"domainName":${JSON.stringify(api.domainName)},"connectionId":${JSON.stringify(event.connectionId)},"apiId":${JSON.stringify(api.apiId)}},"body":`,
  };
  partsByHandshake.set(handshake, parts);
  return parts;
}

const EMPTY = Buffer.alloc(0);

function identity(event: IntegrationEvent): Record<string, string> {
  return { userAgent: event.handshake.userAgent, sourceIp: event.handshake.sourceIp };
}

/** The fields every requestContext ends with, in AWS's order, plus the authorizer when there is one. */
function contextTail(event: IntegrationEvent, api: ApiIdentity): Record<string, unknown> {
  const tail: Record<string, unknown> = {
    stage: event.stage,
    connectedAt: event.connectedAt,
    requestTimeEpoch: event.requestTimeEpoch,
    identity: identity(event),
    requestId: event.requestId,
    domainName: api.domainName,
    connectionId: event.connectionId,
    apiId: api.apiId,
  };
  if (event.authorizer !== undefined) tail['authorizer'] = authorizerForEvent(event.authorizer);
  return tail;
}

function connectEvent(event: IntegrationEvent, api: ApiIdentity, traceId: string): AwsProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  /** Canonical (first seen) spelling of each header name, by lower-case name. */
  const spelling = new Map<string, string>();
  const add = (name: string, value: string) => {
    const lower = name.toLowerCase();
    const key = spelling.get(lower) ?? name;
    spelling.set(lower, key);
    headers[key] = value;
    (multiValueHeaders[key] ??= []).push(value);
  };
  for (const [name, value] of handshakePairs(event)) if (!DROPPED.has(name.toLowerCase())) add(name, value);
  add('X-Amzn-Trace-Id', traceId);
  add('X-Forwarded-For', event.handshake.forwardedFor);
  add('X-Forwarded-Port', String(api.clientPort));
  add('X-Forwarded-Proto', api.clientProto);
  let query: Pick<AwsProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'> = {};
  if (event.handshake.rawQuery !== '') {
    const single: Record<string, string> = {};
    const multi: Record<string, string[]> = {};
    for (const [name, value] of new URLSearchParams(event.handshake.rawQuery)) {
      single[name] = value;
      (multi[name] ??= []).push(value);
    }
    query = { queryStringParameters: single, multiValueQueryStringParameters: multi };
  }
  // Key order as AWS sends it.
  return {
    headers,
    multiValueHeaders,
    ...query,
    requestContext: {
      routeKey: event.routeKey,
      eventType: 'CONNECT',
      extendedRequestId: event.requestId,
      requestTime: clfTime(event.requestTimeEpoch),
      messageDirection: 'IN',
      ...contextTail(event, api),
    },
    isBase64Encoded: false,
  };
}

function messageEvent(event: IntegrationEvent, api: ApiIdentity): AwsProxyEvent {
  const binary = event.binary === true;
  const body = event.body ?? EMPTY;
  return {
    requestContext: {
      routeKey: event.routeKey,
      messageId: event.messageId,
      eventType: 'MESSAGE',
      extendedRequestId: event.requestId,
      requestTime: clfTime(event.requestTimeEpoch),
      messageDirection: 'IN',
      ...contextTail(event, api),
    },
    body: binary ? body.toString('base64') : body.toString(),
    isBase64Encoded: binary,
  };
}

function disconnectEvent(event: IntegrationEvent, api: ApiIdentity): AwsProxyEvent {
  return {
    headers: { Host: api.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' },
    multiValueHeaders: {
      Host: [api.domainName],
      'x-api-key': [''],
      'X-Forwarded-For': [''],
      'x-restapi': [''],
    },
    requestContext: {
      routeKey: event.routeKey,
      disconnectStatusCode: event.disconnect?.code ?? 1005,
      eventType: 'DISCONNECT',
      extendedRequestId: event.requestId,
      requestTime: clfTime(event.requestTimeEpoch),
      messageDirection: 'IN',
      disconnectReason: event.disconnect?.reason ?? '',
      ...contextTail(event, api),
    },
    isBase64Encoded: false,
  };
}

/** Handshake headers as [name, value] pairs in the client's case when the raw headers were kept. */
function handshakePairs(event: IntegrationEvent): [string, string][] {
  const raw = event.handshake.rawHeaders;
  const pairs: [string, string][] = [];
  if (raw !== undefined) {
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] ?? '', raw[i + 1] ?? '']);
    return pairs;
  }
  for (const [name, value] of Object.entries(event.handshake.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) pairs.push([name, one]);
  }
  return pairs;
}
