/**
 * The HTTP (non-proxy) integration: the event becomes the output of a VTL request template, POSTed
 * as `application/json` (our choice; AWS does not document it), and the backend's answer goes
 * through the integration responses before it becomes the reply of a two-way route.
 * @see docs/templates.md
 */
import { awsHeaders, contextHeaders } from '@switchboard/protocol';
import type { IntegrationConfig } from '../config/schema.js';
import { newTraceId } from '../connections/ids.js';
import { GatewayError } from '../errors.js';
import { classifyBackendError, withoutQuery } from './backend-errors.js';
import { atUpstream, urlAt } from './upstreams/failed-upstream.js';
import type { ApiIdentity, Integration, IntegrationEvent, IntegrationResponse } from './integration-event.js';
import type { MappingTemplates } from './mapping-templates.js';
import type { UpstreamSet } from './upstreams/upstream-set.js';
import { compileRequestParameters, type MappedParameter } from './request-parameters.js';

export interface HttpTemplateOptions {
  readonly api: ApiIdentity;
  readonly stageVariables: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly maxResponseBytes: number;
}

export class HttpTemplateIntegration implements Integration {
  readonly #config: IntegrationConfig;
  readonly #templates: MappingTemplates;
  readonly #upstreams: UpstreamSet;
  readonly #options: HttpTemplateOptions;
  readonly #url: URL;
  readonly #parameters: MappedParameter[];

  constructor(
    config: IntegrationConfig,
    templates: MappingTemplates,
    upstreams: UpstreamSet,
    options: HttpTemplateOptions,
  ) {
    this.#config = config;
    this.#templates = templates;
    this.#upstreams = upstreams;
    this.#options = options;
    this.#url = new URL(config.uri ?? '');
    this.#parameters = compileRequestParameters(config.requestParameters);
  }

  async invoke(event: IntegrationEvent): Promise<IntegrationResponse> {
    const raw =
      event.body === undefined
        ? ''
        : event.binary === true
          ? event.body.toString('base64')
          : event.body.toString();
    const body = this.#requestBody(event, raw);
    const { api } = this.#options;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'user-agent': `AmazonAPIGateway_${api.apiId}`,
      [awsHeaders.apiId]: api.apiId,
      [awsHeaders.traceId]: newTraceId(event.requestTimeEpoch),
      [awsHeaders.forwardedFor]: event.handshake.forwardedFor,
      [awsHeaders.forwardedProto]: api.clientProto,
      [awsHeaders.forwardedPort]: String(api.clientPort),
    };
    if (this.#config.contextHeaders) {
      headers[contextHeaders.connectionId] = event.connectionId;
      headers[contextHeaders.routeKey] = event.routeKey;
      headers[contextHeaders.eventType] = event.eventType;
      headers[contextHeaders.requestId] = event.requestId;
      headers[contextHeaders.stage] = event.stage;
      headers[contextHeaders.managementUrl] = event.managementUrl;
    }
    let path = this.#url.pathname;
    const query = new URLSearchParams(this.#url.search);
    const stageVariables = this.#options.stageVariables[event.stage] ?? {};
    for (const parameter of this.#parameters) {
      const value = parameter.read(event, api, stageVariables);
      if (value === undefined) continue;
      if (parameter.target === 'header') headers[parameter.name.toLowerCase()] = value;
      else if (parameter.target === 'querystring') query.set(parameter.name, value);
      else
        path = path
          .replaceAll(`%7B${parameter.name}%7D`, encodeURIComponent(value))
          .replaceAll(`{${parameter.name}}`, encodeURIComponent(value));
    }
    const search = query.toString();
    const target = `${this.#url.origin}${path}${search === '' ? '' : `?${search}`}`;
    let status: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    let answeredBy: string;
    try {
      const response = await this.#upstreams.request(
        {
          method: this.#config.method,
          path: search === '' ? path : `${path}?${search}`,
          headers,
          body: body.length === 0 ? null : body,
          maxBodyBytes: this.#options.maxResponseBytes,
        },
        this.#config.timeoutMs,
      );
      status = response.statusCode;
      responseHeaders = response.headers;
      text = response.body.toString();
      answeredBy = response.origin;
    } catch (error) {
      throw classifyBackendError(error, target, this.#config.timeoutMs);
    }
    if (Buffer.byteLength(text) > this.#options.maxResponseBytes)
      throw atUpstream(
        new GatewayError(
          'SWB_ERR_BACKEND_BAD_RESPONSE',
          `backend ${withoutQuery(urlAt(target, answeredBy))} answered with more than ${this.#options.maxResponseBytes} bytes`,
        ),
        answeredBy,
      );
    const reply = this.#templates.respond(status, responseHeaders, text, event);
    return { status, headers: responseHeaders, body: Buffer.from(reply) };
  }

  async close(): Promise<void> {
    // Pools are shared and closed by their owner.
  }

  /** The rendered request template, or the raw body when passthrough allows it. */
  #requestBody(event: IntegrationEvent, raw: string): Buffer {
    const template = this.#templates.selectRequestTemplate(event);
    if (template !== undefined) return Buffer.from(this.#templates.render(template, raw, event));
    const behavior = this.#config.passthroughBehavior;
    if (behavior === 'NEVER' || (behavior === 'WHEN_NO_TEMPLATES' && this.#templates.hasRequestTemplates)) {
      throw new GatewayError(
        'SWB_ERR_MAPPING_TEMPLATE',
        `no request template matches this ${event.eventType} and passthroughBehavior is ${behavior}`,
      );
    }
    if (this.#config.contentHandlingStrategy === 'CONVERT_TO_BINARY' && event.binary !== true)
      return Buffer.from(raw, 'base64');
    return event.body ?? Buffer.alloc(0);
  }
}
