/**
 * `POST /events`: the same connect, message and disconnect handlers, for Lambda-style AWS_PROXY
 * integrations. The body is one Lambda proxy event, or, from an integration with `batchSize` above 1,
 * a JSON array of them (`x-switchboard-batch-size` says how many). The answer is one Lambda proxy
 * result per event (`{statusCode, headers, body, isBase64Encoded}`, with headers only when the
 * handler set some besides the content type), an array for an array. The `later` route is not
 * served here: its push needs the management URL, which only the HTTP_PROXY context headers carry
 * (`POST /later`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { contextHeaders } from '@switchboard/protocol';
import type { BackendEvent } from './backend-event.js';
import { errorReply, jsonReply, type Reply } from './reply.js';

/**
 * Largest `POST /events` body: a gateway stops growing a batch at 1 MiB of JSON, and one event
 * alone may carry a 128 KB message in base64.
 */
export const MAX_BATCH_BODY_BYTES = 2 * 1024 * 1024;

const EMPTY = Buffer.alloc(0);
/** The query of MESSAGE and DISCONNECT events, which have none; shared, so handlers only read it. */
const NO_QUERY = new URLSearchParams();
const NO_HEADERS: Readonly<Record<string, string>> = {};

/** The handlers an event is passed to, by its `requestContext.eventType`. */
export interface EventHandlers {
  connect(event: BackendEvent): Reply | Promise<Reply>;
  message(event: BackendEvent): Reply | Promise<Reply>;
  disconnect(event: BackendEvent): Reply | Promise<Reply>;
}

/** A Lambda proxy result, as API Gateway reads it from an AWS_PROXY integration. */
export interface LambdaResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/**
 * The HTTP answer to a `POST /events` body: one result, an array of results, or 400 for a bad body.
 * A handler that throws fails its own event only, with a 500 result; `onError` hears of it.
 */
export async function handleLambdaEvents(
  body: Buffer,
  handlers: EventHandlers,
  onError: (error: unknown) => void = () => undefined,
): Promise<Reply> {
  const handle = (event: unknown): Promise<LambdaResult> =>
    handleLambdaEvent(event, handlers).catch((error: unknown) => {
      onError(error);
      return errorResult(500, 'Internal server error');
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString());
  } catch {
    return errorReply(400, 'the body is not JSON: expected a Lambda proxy event or an array of them');
  }
  if (Array.isArray(parsed)) {
    // Events of different connections run concurrently; those of one connection in order, each
    // after the one before it (their session counts build on each other).
    const previous = new Map<string, Promise<LambdaResult>>();
    const results = await Promise.all(
      parsed.map((event) => {
        const connectionId = connectionIdOfEvent(event);
        if (connectionId === undefined) return handle(event);
        const before = previous.get(connectionId);
        const result = before === undefined ? handle(event) : before.then(() => handle(event));
        previous.set(connectionId, result);
        return result;
      }),
    );
    return jsonReply(200, results);
  }
  if (parsed === null || typeof parsed !== 'object')
    return errorReply(400, 'expected a Lambda proxy event (an object) or an array of them');
  return jsonReply(200, await handle(parsed));
}

/** One event's result; an event that is not a WebSocket Lambda event gets a 400 result of its own. */
export async function handleLambdaEvent(event: unknown, handlers: EventHandlers): Promise<LambdaResult> {
  const context = (event as { requestContext?: unknown } | null)?.requestContext;
  if (context === null || typeof context !== 'object') return badEvent('the event has no requestContext');
  const { eventType, routeKey, connectionId, stage } = context as Record<string, unknown>;
  if (typeof connectionId !== 'string' || connectionId === '') return badEvent('requestContext.connectionId is missing');
  const headers: IncomingHttpHeaders = { [contextHeaders.connectionId]: connectionId };
  if (typeof stage === 'string') headers[contextHeaders.stage] = stage;
  const lambdaEvent = event as Record<string, unknown>;
  switch (eventType) {
    case 'CONNECT': {
      for (const [name, value] of Object.entries(asStrings(lambdaEvent['headers'])))
        headers[name.toLowerCase()] = value;
      const query = new URLSearchParams(asStrings(lambdaEvent['queryStringParameters']));
      return resultOf(await handlers.connect(backendEvent(headers, query, EMPTY)));
    }
    case 'DISCONNECT': {
      const { disconnectStatusCode, disconnectReason } = context as Record<string, unknown>;
      if (typeof disconnectStatusCode === 'number')
        headers[contextHeaders.disconnectStatusCode] = String(disconnectStatusCode);
      if (typeof disconnectReason === 'string')
        headers[contextHeaders.disconnectReason] = encodeURIComponent(disconnectReason);
      return resultOf(await handlers.disconnect(backendEvent(headers, NO_QUERY, EMPTY)));
    }
    case 'MESSAGE': {
      if (routeKey === 'later') return badEvent('the later route needs the HTTP_PROXY endpoint POST /later, which gets the management URL');
      const text = typeof lambdaEvent['body'] === 'string' ? lambdaEvent['body'] : '';
      const binary = lambdaEvent['isBase64Encoded'] === true;
      if (binary) headers[contextHeaders.binary] = '1';
      const frame = binary ? Buffer.from(text, 'base64') : Buffer.from(text);
      return resultOf(await handlers.message(backendEvent(headers, NO_QUERY, frame)));
    }
    default:
      return badEvent('requestContext.eventType is not CONNECT, MESSAGE or DISCONNECT');
  }
}

function connectionIdOfEvent(event: unknown): string | undefined {
  const context = (event as { requestContext?: { connectionId?: unknown } } | null)?.requestContext;
  return typeof context?.connectionId === 'string' ? context.connectionId : undefined;
}

function backendEvent(headers: IncomingHttpHeaders, query: URLSearchParams, body: Buffer): BackendEvent {
  return { method: 'POST', path: '/events', query, headers, body };
}

/**
 * A Reply as a Lambda proxy result: text bodies as they are, binary ones in base64. The reply's
 * content type (its name in any case) only says which: API Gateway reads no headers of a WebSocket
 * route's result but the body and `isBase64Encoded`, so the result carries the reply's other
 * headers only, and none when it has no other. One pass over the headers, per event.
 */
function resultOf(reply: Reply): LambdaResult {
  let binary = false;
  let headers: Record<string, string> | undefined;
  const replyHeaders = reply.headers ?? NO_HEADERS;
  for (const name of Object.keys(replyHeaders)) {
    const value = replyHeaders[name] as string;
    if (name.toLowerCase() === 'content-type') binary = value === 'application/octet-stream';
    else (headers ??= {})[name] = value;
  }
  const body = reply.body ?? '';
  const text = typeof body === 'string' ? body : body.toString(binary ? 'base64' : 'utf8');
  return headers === undefined
    ? { statusCode: reply.status, body: text, isBase64Encoded: binary }
    : { statusCode: reply.status, headers, body: text, isBase64Encoded: binary };
}

function badEvent(message: string): LambdaResult {
  return errorResult(400, message);
}

function errorResult(statusCode: number, message: string): LambdaResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }), isBase64Encoded: false };
}

/** The string values of an object (`headers`, `queryStringParameters`); anything else is empty. */
function asStrings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null || typeof value !== 'object') return out;
  for (const [name, item] of Object.entries(value)) if (typeof item === 'string') out[name] = item;
  return out;
}
