/**
 * The Lambda proxy event of an AWS_PROXY integration, exactly as API Gateway builds it for
 * WebSocket APIs: CONNECT with the client's headers (their case kept) and query string, MESSAGE with
 * the body and no HTTP metadata, DISCONNECT with AWS's odd fixed headers and the close code.
 * @see ../../../../../shared/docs/aws-websocket-api.md section 2.4 (golden tests: test/integrations/aws-proxy-event.test.ts)
 */
import { authorizerForEvent } from '../auth/authorizer-context.js';
import type { EventWriter } from './event-batcher.js';
import { clfTime, type ApiIdentity, type IntegrationEvent } from './integration-event.js';
import { jsonStringMostBytes, utf8JsonStringMostBytes, writeJsonString, writeUtf8AsJsonString } from './json-bytes.js';

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

/** True for the events {@link AwsProxyEventEncoder.writeMessage} writes: a MESSAGE without an authorizer. */
export function isPlainMessage(event: IntegrationEvent): boolean {
  return event.eventType === 'MESSAGE' && event.authorizer === undefined;
}

/**
 * The events of one API as JSON bytes, `JSON.stringify(awsProxyEvent(event, api, traceId))` byte for
 * byte. A MESSAGE without an authorizer (the per-message path) is written straight into its buffer
 * with no string built: the text that is the same for all of a connection's messages is encoded at
 * its first message and kept with it, the rest is written piece by piece. Other events go through
 * the event object.
 */
export class AwsProxyEventEncoder {
  readonly #api: ApiIdentity;

  constructor(api: ApiIdentity) {
    this.#api = api;
  }

  /** The event alone, as the body of a request of its own. */
  bytes(event: IntegrationEvent, traceId: string): Buffer {
    if (!isPlainMessage(event)) return Buffer.from(JSON.stringify(awsProxyEvent(event, this.#api, traceId)));
    const parts = connectionParts(event, this.#api);
    const into = Buffer.allocUnsafe(mostBytes(event, parts));
    return into.subarray(0, writeMessage(event, parts, into, 0));
  }

  /** Writes a MESSAGE without an authorizer (see {@link isPlainMessage}) into an event batch. */
  readonly writeMessage: EventWriter<IntegrationEvent> = (event, room, at) => {
    const parts = connectionParts(event, this.#api);
    return writeMessage(event, parts, room(mostBytes(event, parts)), at);
  };
}

/** The most bytes {@link writeMessage} can take for `event`. */
function mostBytes(event: IntegrationEvent, parts: ConnectionParts): number {
  const body = event.body ?? EMPTY;
  return (
    parts.bytes +
    jsonStringMostBytes(event.routeKey) +
    (event.messageId === undefined ? 0 : jsonStringMostBytes(event.messageId)) +
    2 * jsonStringMostBytes(event.requestId) +
    (event.binary === true ? 2 + Math.ceil(body.length / 3) * 4 : utf8JsonStringMostBytes(body))
  );
}

/** Writes a plain MESSAGE event at `at` (with room for `mostBytes`); returns where it ends. */
function writeMessage(event: IntegrationEvent, parts: ConnectionParts, into: Buffer, at: number): number {
  const body = event.body ?? EMPTY;
  const withMessageId = event.messageId !== undefined;
  at = put(into, at, routeHead(event.routeKey, withMessageId));
  if (withMessageId) at = writeJsonString(into, at, event.messageId);
  at = put(into, at, EXTENDED_REQUEST_ID);
  const requestIdAt = at;
  at = writeJsonString(into, at, event.requestId);
  const requestIdEnd = at;
  at = put(into, at, REQUEST_TIME);
  at = put(into, at, clfTimeBytes(event.requestTimeEpoch));
  at = put(into, at, parts.beforeEpoch);
  at = put(into, at, epochBytes(event.requestTimeEpoch));
  at = put(into, at, parts.beforeRequestId);
  into.copyWithin(at, requestIdAt, requestIdEnd);
  at += requestIdEnd - requestIdAt;
  at = put(into, at, parts.beforeBody);
  if (event.binary === true) {
    into[at] = QUOTE;
    at += 1 + into.write(body.toString('base64'), at + 1, 'latin1');
    into[at] = QUOTE;
    return put(into, at + 1, BASE64_TAIL);
  }
  at = writeUtf8AsJsonString(into, at, body);
  return put(into, at, TEXT_TAIL);
}

/** Copies `part` to `at`; returns where it ends. */
function put(into: Buffer, at: number, part: Uint8Array): number {
  into.set(part, at);
  return at + part.length;
}

const HEAD = '{"requestContext":{"routeKey":';
const MESSAGE_ID = ',"messageId":';
const EXTENDED_REQUEST_ID = Buffer.from(',"eventType":"MESSAGE","extendedRequestId":');
const REQUEST_TIME = Buffer.from(',"requestTime":"');
const TEXT_TAIL = Buffer.from(',"isBase64Encoded":false}');
const BASE64_TAIL = Buffer.from(',"isBase64Encoded":true}');
const QUOTE = 0x22;

/**
 * The event's start up to its messageId (`{"requestContext":{"routeKey":…,"messageId":`), or up to
 * the route key without one, by route key: the route keys of the configured routes.
 */
const routeHeads = new Map<string, { readonly withMessageId: Buffer; readonly withoutMessageId: Buffer }>();
const MOST_ROUTE_HEADS = 1_000;

function routeHead(routeKey: string, withMessageId: boolean): Buffer {
  let heads = routeHeads.get(routeKey);
  if (heads === undefined) {
    const head = HEAD + JSON.stringify(routeKey);
    heads = { withMessageId: Buffer.from(head + MESSAGE_ID), withoutMessageId: Buffer.from(head) };
    if (routeHeads.size >= MOST_ROUTE_HEADS) routeHeads.clear();
    routeHeads.set(routeKey, heads);
  }
  return withMessageId ? heads.withMessageId : heads.withoutMessageId;
}

/** `requestTimeEpoch` as bytes, kept for the millisecond it names. */
let epochBytesMs = Number.NaN;
let epochBytesText = Buffer.alloc(0);

function epochBytes(epochMs: number): Buffer {
  if (epochMs !== epochBytesMs) {
    epochBytesText = Buffer.from(JSON.stringify(epochMs));
    epochBytesMs = epochMs;
  }
  return epochBytesText;
}

/** `clfTime` as bytes, kept for the second it names (events of the same second share it). */
let clfBytesSecond = Number.NaN;
let clfBytes = Buffer.alloc(0);

function clfTimeBytes(epochMs: number): Buffer {
  const second = Math.floor(epochMs / 1000);
  if (second !== clfBytesSecond) {
    clfBytes = Buffer.from(clfTime(epochMs));
    clfBytesSecond = second;
  }
  return clfBytes;
}

/**
 * The JSON of a MESSAGE event's requestContext that is the same for every message of a connection,
 * as UTF-8, in three pieces around the fields that change.
 */
interface ConnectionParts {
  readonly api: ApiIdentity;
  readonly connectionId: string;
  readonly stage: string;
  readonly connectedAt: number;
  /** `","messageDirection":"IN","stage":…,"connectedAt":…,"requestTimeEpoch":` (closes requestTime). */
  readonly beforeEpoch: Buffer;
  /** `,"identity":{"userAgent":…,"sourceIp":…},"requestId":` */
  readonly beforeRequestId: Buffer;
  /** `,"domainName":…,"connectionId":…,"apiId":…},"body":` */
  readonly beforeBody: Buffer;
  /**
   * The most bytes of an event of this connection apart from its route key, ids and body: these
   * parts, the constant text around them, the time and the epoch.
   */
  readonly bytes: number;
}

/**
 * The parts, by the connection's handshake (one object per connection, held as long as the
 * connection): only connections that send messages through such an integration have them, and they
 * go with the connection. They are checked against the event, so a handshake object reused for
 * another connection or API gets parts of its own.
 */
const partsByHandshake = new WeakMap<IntegrationEvent['handshake'], ConnectionParts>();

/** The constant text of a MESSAGE event, the CLF time (26 bytes) and the epoch (up to 24 digits). */
const FIXED_BYTES = HEAD.length + MESSAGE_ID.length + EXTENDED_REQUEST_ID.length + REQUEST_TIME.length + 26 + 24 + Math.max(TEXT_TAIL.length, BASE64_TAIL.length);

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
  const [beforeEpoch, beforeRequestId, beforeBody] = ownBytes(
    `","messageDirection":"IN","stage":${JSON.stringify(event.stage)},"connectedAt":${event.connectedAt},"requestTimeEpoch":`,
    `,"identity":{"userAgent":${JSON.stringify(handshake.userAgent)},"sourceIp":${JSON.stringify(handshake.sourceIp)}},"requestId":`,
    `,"domainName":${JSON.stringify(api.domainName)},"connectionId":${JSON.stringify(event.connectionId)},"apiId":${JSON.stringify(api.apiId)}},"body":`,
  ) as [Buffer, Buffer, Buffer];
  const parts: ConnectionParts = {
    api,
    connectionId: event.connectionId,
    stage: event.stage,
    connectedAt: event.connectedAt,
    beforeEpoch,
    beforeRequestId,
    beforeBody,
    bytes: FIXED_BYTES + beforeEpoch.length + beforeRequestId.length + beforeBody.length,
  };
  partsByHandshake.set(handshake, parts);
  return parts;
}

/**
 * The UTF-8 of each text, in one buffer of their own (not a slice of Node's shared pool, which a
 * long-lived connection would keep whole), as one view each.
 */
function ownBytes(...texts: string[]): Buffer[] {
  const bytes = Buffer.allocUnsafeSlow(texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0));
  let at = 0;
  return texts.map((text) => {
    const end = at + bytes.write(text, at);
    const view = bytes.subarray(at, end);
    at = end;
    return view;
  });
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
