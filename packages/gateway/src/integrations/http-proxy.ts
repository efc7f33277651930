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

/** Headers the gateway sets itself: a client's own value of one of them is not forwarded. */
const GATEWAY_SET = new Set<string>([awsHeaders.apiId, ...Object.values(contextHeaders)]);

const EMPTY = Buffer.alloc(0);
const TEXT_CONTENT_TYPE = 'content-type: text/plain; charset=utf-8\r\n';
const BINARY_CONTENT_TYPE = 'content-type: application/octet-stream\r\n';

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
  /** The API's own headers, the same on every request once the listener's port is known. */
  #apiLines = '';
  #apiLinesWithAgent = '';
  #apiLinesPort = -1;

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
  }

  async invoke(event: IntegrationEvent, wantBody: boolean): Promise<IntegrationResponse> {
    const headers = this.#clientHeaders(event);
    const path = this.#requestPath(event, headers);
    const body = event.eventType === 'MESSAGE' ? (event.body ?? EMPTY) : EMPTY;
    const url = this.#origin + path;
    try {
      const response = await this.#upstreams.request(
        {
          method: this.#config.method,
          path,
          headers,
          trustedHeaders: this.#trustedHeaders(event),
          body: body.length === 0 ? null : body,
          keepBody: wantBody,
          maxBodyBytes: this.#options.maxResponseBytes,
        },
        this.#config.timeoutMs,
      );
      // An accepted $connect's body is never used: only a refusal's is relayed to the client.
      const accepted =
        event.eventType === 'CONNECT' && response.statusCode >= 200 && response.statusCode < 300;
      return { status: response.statusCode, headers: response.headers, body: wantBody && !accepted ? response.body : EMPTY };
    } catch (error) {
      throw classifyBackendError(error, url, this.#config.timeoutMs);
    }
  }

  async close(): Promise<void> {
    // Pools are shared between integrations and closed by their owner.
  }

  /**
   * Headers whose values come from outside the gateway (the handshake, the route and stage names,
   * the management URL), checked by the HTTP client before they are written.
   */
  #clientHeaders(event: IntegrationEvent): Record<string, string> {
    const headers: Record<string, string> = {};
    if (event.eventType === 'CONNECT') {
      for (const [name, value] of Object.entries(event.handshake.headers)) {
        if (value === undefined || NOT_FORWARDED.has(name) || GATEWAY_SET.has(name)) continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
    }
    headers[awsHeaders.forwardedFor] = event.handshake.forwardedFor;
    if (this.#config.contextHeaders) {
      headers[contextHeaders.routeKey] = event.routeKey;
      headers[contextHeaders.stage] = event.stage;
      headers[contextHeaders.managementUrl] = event.managementUrl;
    }
    return headers;
  }

  /** Header lines made of values the gateway made itself (ids, numbers, constants), written as they are. */
  #trustedHeaders(event: IntegrationEvent): string {
    const { api } = this.#options;
    // The client port is known once the listener listens (port 0 picks one): made on first use.
    if (this.#apiLinesPort !== api.clientPort) {
      this.#apiLinesPort = api.clientPort;
      this.#apiLines =
        `${awsHeaders.apiId}: ${api.apiId}\r\n` +
        `${awsHeaders.forwardedProto}: ${api.clientProto}\r\n` +
        `${awsHeaders.forwardedPort}: ${api.clientPort}\r\n`;
      // Every event but $connect (which forwards the client's own User-Agent) carries API Gateway's.
      this.#apiLinesWithAgent = `user-agent: AmazonAPIGateway_${api.apiId}\r\n${this.#apiLines}`;
    }
    let lines = event.eventType === 'CONNECT' ? this.#apiLines : this.#apiLinesWithAgent;
    lines += `${awsHeaders.traceId}: ${newTraceId(event.requestTimeEpoch)}\r\n`;
    if (event.eventType === 'MESSAGE') lines += event.binary === true ? BINARY_CONTENT_TYPE : TEXT_CONTENT_TYPE;
    if (!this.#config.contextHeaders) return lines;
    lines +=
      `${contextHeaders.connectionId}: ${event.connectionId}\r\n` +
      `${contextHeaders.eventType}: ${event.eventType}\r\n` +
      `${contextHeaders.requestId}: ${event.requestId}\r\n` +
      `${contextHeaders.connectedAt}: ${event.connectedAt}\r\n`;
    if (event.messageId !== undefined) lines += `${contextHeaders.messageId}: ${event.messageId}\r\n`;
    if (event.binary === true) lines += `${contextHeaders.binary}: 1\r\n`;
    if (event.disconnect !== undefined) {
      lines +=
        `${contextHeaders.disconnectStatusCode}: ${event.disconnect.code}\r\n` +
        `${contextHeaders.disconnectReason}: ${encodeURIComponent(event.disconnect.reason)}\r\n`;
    }
    return lines;
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
