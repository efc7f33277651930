/**
 * The HTTP_PROXY integration: each event becomes one HTTP request to the backend, as API Gateway
 * sends it: `$connect` with the handshake headers and query string and no body, a message with the
 * raw frame as body, `$disconnect` with no body; AWS's always-on headers, the mapped request
 * parameters and Switchboard's `x-switchboard-*` context headers.
 * @see docs/protocol.md "What the backend receives"
 */
import { awsHeaders, contextHeaders } from '@switchboard/protocol';
import type { IntegrationConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { newTraceId } from '../connections/ids.js';
import { classifyBackendError } from './backend-errors.js';
import type { ApiIdentity, Integration, IntegrationEvent, IntegrationResponse } from './integration-event.js';
import type { BackendPools } from './pools.js';
import { compileRequestParameters, type MappedParameter } from './request-parameters.js';
import type { UpstreamSet } from './upstreams/upstream-set.js';
import { upstreamOrigins } from './upstreams/upstream-origins.js';

/** Handshake headers never forwarded: hop-by-hop, or set by the gateway for the backend hop. */
const NOT_FORWARDED = new Set([
  'connection',
  'upgrade',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-connection',
  'host',
  'content-length',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-amzn-trace-id',
]);

const EMPTY = Buffer.alloc(0);

export interface HttpProxyOptions {
  readonly api: ApiIdentity;
  readonly stageVariables: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Largest response body read; a larger one is a bad response. */
  readonly maxResponseBytes: number;
  /**
   * Integration name, for diagnostics of its upstreams.
   * @default the host of `uri`
   */
  readonly name?: string;
}

export class HttpProxyIntegration implements Integration {
  readonly #config: IntegrationConfig;
  readonly #options: HttpProxyOptions;
  readonly #upstreams: UpstreamSet;
  readonly #origin: string;
  readonly #path: string;
  readonly #query: string;
  readonly #parameters: MappedParameter[];
  readonly #hasPathParameters: boolean;
  readonly #userAgent: string;

  constructor(config: IntegrationConfig, pools: BackendPools, options: HttpProxyOptions) {
    this.#config = config;
    this.#options = options;
    const url = new URL(config.uri ?? '');
    this.#origin = url.origin;
    this.#path = url.pathname.replaceAll('%7B', '{').replaceAll('%7D', '}');
    this.#query = url.search.slice(1);
    this.#upstreams = pools.upstreams({
      integration: options.name ?? url.host,
      origins: upstreamOrigins(config),
      settings: config.upstream,
    });
    this.#parameters = compileRequestParameters(config.requestParameters);
    this.#hasPathParameters = this.#parameters.some((p) => p.target === 'path');
    this.#userAgent = `AmazonAPIGateway_${options.api.apiId}`;
  }

  async invoke(event: IntegrationEvent, wantBody: boolean): Promise<IntegrationResponse> {
    const headers = this.#headers(event);
    const path = this.#requestPath(event, headers);
    const body = event.eventType === 'MESSAGE' ? (event.body ?? EMPTY) : EMPTY;
    headers['content-length'] = String(body.length);
    if (event.eventType === 'MESSAGE')
      headers['content-type'] =
        event.binary === true ? 'application/octet-stream' : 'text/plain; charset=utf-8';
    const url = this.#origin + path;
    try {
      const response = await this.#upstreams.request(
        { method: this.#config.method, path, headers, body: body.length === 0 ? null : body },
        this.#config.timeoutMs,
      );
      // An accepted $connect's body is never used: only a refusal's is relayed to the client.
      const accepted =
        event.eventType === 'CONNECT' && response.statusCode >= 200 && response.statusCode < 300;
      const responseBody =
        wantBody && !accepted
          ? await readBody(response.body, this.#options.maxResponseBytes, url)
          : (await response.body.dump(), EMPTY);
      return { status: response.statusCode, headers: response.headers, body: responseBody };
    } catch (error) {
      throw classifyBackendError(error, url, this.#config.timeoutMs);
    }
  }

  async close(): Promise<void> {
    // Pools are shared between integrations and closed by their owner.
  }

  #headers(event: IntegrationEvent): Record<string, string> {
    const headers: Record<string, string> = {};
    const { api } = this.#options;
    if (event.eventType === 'CONNECT') {
      for (const [name, value] of Object.entries(event.handshake.headers)) {
        if (value === undefined || NOT_FORWARDED.has(name)) continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
    } else {
      headers['user-agent'] = this.#userAgent;
    }
    headers[awsHeaders.apiId] = api.apiId;
    headers[awsHeaders.traceId] = newTraceId(event.requestTimeEpoch);
    headers[awsHeaders.forwardedFor] = event.handshake.forwardedFor;
    headers[awsHeaders.forwardedProto] = api.clientProto;
    headers[awsHeaders.forwardedPort] = String(api.clientPort);
    if (this.#config.contextHeaders) {
      headers[contextHeaders.connectionId] = event.connectionId;
      headers[contextHeaders.routeKey] = event.routeKey;
      headers[contextHeaders.eventType] = event.eventType;
      headers[contextHeaders.requestId] = event.requestId;
      headers[contextHeaders.stage] = event.stage;
      headers[contextHeaders.managementUrl] = event.managementUrl;
      headers[contextHeaders.connectedAt] = String(event.connectedAt);
      if (event.messageId !== undefined) headers[contextHeaders.messageId] = event.messageId;
      if (event.binary === true) headers[contextHeaders.binary] = '1';
      if (event.disconnect !== undefined) {
        headers[contextHeaders.disconnectStatusCode] = String(event.disconnect.code);
        headers[contextHeaders.disconnectReason] = encodeURIComponent(event.disconnect.reason);
      }
    }
    return headers;
  }

  /** Path and query: the URI's, the client's query string on `$connect`, and mapped parameters. */
  #requestPath(event: IntegrationEvent, headers: Record<string, string>): string {
    let path = this.#path;
    let query = this.#query;
    if (event.eventType === 'CONNECT' && event.handshake.rawQuery !== '')
      query = query === '' ? event.handshake.rawQuery : `${query}&${event.handshake.rawQuery}`;
    if (this.#parameters.length > 0) {
      const stageVariables = this.#options.stageVariables[event.stage] ?? {};
      const queryParams = new URLSearchParams(query);
      for (const parameter of this.#parameters) {
        const value = parameter.read(event, this.#options.api, stageVariables);
        if (value === undefined) continue;
        if (parameter.target === 'header') headers[parameter.name.toLowerCase()] = value;
        else if (parameter.target === 'querystring') queryParams.set(parameter.name, value);
        else path = path.replaceAll(`{${parameter.name}}`, encodeURIComponent(value));
      }
      query = queryParams.toString();
    }
    if (this.#hasPathParameters && /\{[^}]+\}/.test(path)) {
      throw new GatewayError(
        'SWB_ERR_INTERNAL',
        `integration URI ${this.#config.uri}: a path parameter has no value for this event`,
      );
    }
    return query === '' ? path : `${path}?${query}`;
  }
}

async function readBody(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  limit: number,
  url: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new GatewayError(
        'SWB_ERR_BACKEND_BAD_RESPONSE',
        `backend ${url} answered with more than ${limit} bytes`,
      );
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] ?? EMPTY) : Buffer.concat(chunks, size);
}
