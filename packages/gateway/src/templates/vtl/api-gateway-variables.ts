/**
 * The variables API Gateway gives a WebSocket mapping template: `$context`, `$input` (over the
 * request body, or the integration response body in response templates), `$util` and
 * `$stageVariables`, built from an IntegrationEvent.
 * @see ../../../../../shared/docs/aws-websocket-api.md sections 2.6 and 2.8
 */
import { clfTime, type ApiIdentity, type IntegrationEvent } from '../../integrations/integration-event.js';
import { evaluateJsonPath, jsonPathBudget, JsonPathBudgetError, type JsonPathLimits } from './json-path.js';
import { display, VtlRenderError } from './vtl-render.js';

/**
 * `$input` over `body`, with the request's parameters (handshake headers and query on `$connect`).
 * Its `path()` and `json()` calls share one JSONPath budget (`limits`): make one `$input` per render.
 */
export function inputVariable(body: string, event: IntegrationEvent, limits?: JsonPathLimits): Record<string, unknown> {
  const budget = jsonPathBudget(limits);
  /** Evaluates within the render's budget; a budget passed fails the render, with the reason. */
  const evaluate = (path: unknown): unknown => {
    try {
      return evaluateJsonPath(json(), display(path), budget);
    } catch (error) {
      if (error instanceof JsonPathBudgetError) throw new VtlRenderError(`$input.path / $input.json: ${error.message}`);
      throw error;
    }
  };
  let parsed: { value: unknown } | undefined;
  const json = (): unknown => {
    if (parsed === undefined) {
      try {
        parsed = { value: body.trim() === '' ? {} : (JSON.parse(body) as unknown) };
      } catch {
        throw new VtlRenderError('$input.path / $input.json: the body is not JSON');
      }
    }
    return parsed.value;
  };
  const params = requestParams(event);
  return {
    body,
    json: (path: unknown) => {
      const value = evaluate(path);
      return value === undefined ? '' : JSON.stringify(value);
    },
    path: (path: unknown) => copy(evaluate(path)),
    params: (name?: unknown) => {
      if (name === undefined) return params;
      const key = display(name);
      return params.path[key] ?? params.querystring[key] ?? lookupHeader(params.header, key) ?? '';
    },
  };
}

/** `$input.params()`: `{path, querystring, header}`; WebSocket requests have headers and a query only on `$connect`. */
function requestParams(event: IntegrationEvent): {
  path: Record<string, string>;
  querystring: Record<string, string>;
  header: Record<string, string>;
} {
  const header: Record<string, string> = {};
  const querystring: Record<string, string> = {};
  if (event.eventType === 'CONNECT') {
    const raw = event.handshake.rawHeaders;
    if (raw !== undefined)
      for (let i = 0; i + 1 < raw.length; i += 2) header[raw[i] ?? ''] = raw[i + 1] ?? '';
    else
      for (const [name, value] of Object.entries(event.handshake.headers))
        if (value !== undefined) header[name] = Array.isArray(value) ? value.join(',') : value;
    for (const [name, value] of new URLSearchParams(event.handshake.rawQuery)) querystring[name] = value;
  }
  return { path: {}, querystring, header };
}

function lookupHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** A deep copy, so that `#set` on a path result never changes the parsed body. */
function copy(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

/** `$context` for WebSocket APIs (aws-websocket-api.md 2.8). */
export function contextVariable(
  event: IntegrationEvent,
  api: ApiIdentity,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const context: Record<string, unknown> = {
    connectionId: event.connectionId,
    connectedAt: event.connectedAt,
    domainName: api.domainName,
    apiId: api.apiId,
    eventType: event.eventType,
    routeKey: event.routeKey,
    requestId: event.requestId,
    extendedRequestId: event.requestId,
    stage: event.stage,
    requestTime: clfTime(event.requestTimeEpoch),
    requestTimeEpoch: event.requestTimeEpoch,
    messageDirection: 'IN',
    identity: { sourceIp: event.handshake.sourceIp, userAgent: event.handshake.userAgent },
    ...extra,
  };
  if (event.messageId !== undefined) context['messageId'] = event.messageId;
  if (event.disconnect !== undefined) {
    context['disconnectStatusCode'] = event.disconnect.code;
    context['disconnectReason'] = event.disconnect.reason;
  }
  if (event.authorizer !== undefined) {
    const authorizer: Record<string, string> = {
      principalId: event.authorizer.principalId,
      integrationLatency: String(event.authorizer.integrationLatency),
    };
    for (const [key, value] of Object.entries(event.authorizer.context)) authorizer[key] = String(value);
    context['authorizer'] = authorizer;
  }
  return context;
}

/** `$util`. */
export const utilVariable: Readonly<Record<string, (value: unknown) => unknown>> = Object.freeze({
  escapeJavaScript: (value: unknown) => escapeJavaScript(display(value)),
  parseJson: (value: unknown) => {
    try {
      return JSON.parse(display(value)) as unknown;
    } catch {
      throw new VtlRenderError(`$util.parseJson: not JSON: ${display(value).slice(0, 80)}`);
    }
  },
  urlEncode: (value: unknown) => urlEncode(display(value)),
  urlDecode: (value: unknown) => urlDecode(display(value)),
  base64Encode: (value: unknown) => Buffer.from(display(value), 'utf8').toString('base64'),
  base64Decode: (value: unknown) => Buffer.from(display(value), 'base64').toString('utf8'),
});

/**
 * Escapes as Java's `StringEscapeUtils.escapeJavaScript` (which API Gateway uses): `\`, `"`, `'`
 * and `/` get a backslash, control characters become `\n`-style or `\u00XX` escapes, and
 * characters above U+007F become `\uXXXX`.
 */
export function escapeJavaScript(text: string): string {
  let out = '';
  for (const char of text) {
    for (let k = 0; k < char.length; k++) {
      const code = char.charCodeAt(k);
      if (code > 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
      else if (code < 32)
        out += SHORT_ESCAPES[code] ?? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
      else if (char === '"' || char === "'" || char === '\\' || char === '/') out += `\\${char}`;
      else out += char;
    }
  }
  return out;
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
};

/** Java `URLEncoder.encode(text, "UTF-8")`: form encoding, space as `+`, `.-*_` kept. */
export function urlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

/** Java `URLDecoder.decode(text, "UTF-8")`: `+` is a space. */
export function urlDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    throw new VtlRenderError(`$util.urlDecode: malformed percent-encoding in "${text.slice(0, 80)}"`);
  }
}
