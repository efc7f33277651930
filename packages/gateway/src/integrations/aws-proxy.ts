/**
 * The AWS_PROXY integration: the event of aws-websocket-api.md 2.4 goes either to a local Lambda
 * handler (run isolated by the LambdaRunner) or, for Lambda-style backends behind HTTP, as the JSON
 * body of a POST. The `{statusCode, headers, body}` result becomes the integration response.
 * @see docs/lambda.md
 */
import { eventBatchHeader } from '@switchboard/protocol';
import { newTraceId } from '../connections/ids.js';
import { GatewayError } from '../errors.js';
import type { LambdaFunctionSpec } from '../lambda/lambda-function.js';
import type { LambdaRunner } from '../lambda/lambda-runner.js';
import { awsProxyEvent, AwsProxyEventEncoder, isPlainMessage } from './aws-proxy-event.js';
import { classifyBackendError, withoutQuery } from './backend-errors.js';
import { EventBatcher, writeJsonBytes } from './event-batcher.js';
import type { BackendResponse } from './http1/backend-pool.js';
import type { ApiIdentity, Integration, IntegrationEvent, IntegrationResponse } from './integration-event.js';
import { atUpstream, urlAt } from './upstreams/failed-upstream.js';
import type { UpstreamSet } from './upstreams/upstream-set.js';

/** Where the event goes: a local function, or an HTTP endpoint that answers like one. */
export type AwsProxyTarget =
  | { readonly kind: 'function'; readonly fn: LambdaFunctionSpec; readonly runner: LambdaRunner }
  | { readonly kind: 'http'; readonly uri: string; readonly upstreams: UpstreamSet };

export interface AwsProxyOptions {
  readonly api: ApiIdentity;
  /** Integration timeout (TimeoutInMillis): past it the client gets `Endpoint request timed out`. */
  readonly timeoutMs: number;
  /** Largest response (and result `body`) accepted. */
  readonly maxResponseBytes: number;
  /**
   * HTTP targets: up to this many events of one event-loop turn go in one request (event-batcher.ts).
   * @default 1, one event per request
   */
  readonly batchSize?: number;
  /**
   * With batches: at most this many in flight; 0 for no limit (event-batcher.ts).
   * @default 0
   */
  readonly batchesInFlight?: number;
}

type HttpTarget = Extract<AwsProxyTarget, { kind: 'http' }> & {
  readonly path: string;
  /** `endpoint URL` of each replica that answered, by origin: built once, named in messages. */
  readonly endpoints: Map<string, string>;
};

/** The POST's own header lines: constants and counts, written without the client-value checks. */
const JSON_LINE = 'content-type: application/json\r\n';
const NO_HEADERS: Readonly<Record<string, string>> = {};

export class AwsProxyIntegration implements Integration {
  readonly #target: Extract<AwsProxyTarget, { kind: 'function' }> | HttpTarget;
  readonly #options: AwsProxyOptions;
  readonly #batcher: EventBatcher | undefined;
  readonly #encoder: AwsProxyEventEncoder;

  constructor(target: AwsProxyTarget, options: AwsProxyOptions) {
    if (target.kind === 'http') {
      const url = new URL(target.uri);
      const http: HttpTarget = { ...target, path: url.pathname + url.search, endpoints: new Map() };
      this.#target = http;
      const batchSize = options.batchSize ?? 1;
      if (batchSize > 1)
        this.#batcher = new EventBatcher(
          (body, count) => this.#postBatch(http, body, count),
          batchSize,
          options.batchesInFlight ?? 0,
        );
    } else this.#target = target;
    this.#options = options;
    this.#encoder = new AwsProxyEventEncoder(options.api);
  }

  invoke(event: IntegrationEvent): Promise<IntegrationResponse> {
    if (this.#batcher === undefined) return this.#invokeAlone(event);
    // The per-message path of batches: a `then` rather than one more async function per event,
    // and, like an async function, a rejection rather than a throw.
    try {
      const added = isPlainMessage(event)
        ? this.#batcher.add(event, this.#encoder.writeMessage)
        : this.#batcher.add(this.#encoder.bytes(event, traceIdOf(event)), writeJsonBytes);
      return added.then(settledResponse);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async #invokeAlone(event: IntegrationEvent): Promise<IntegrationResponse> {
    const traceId = traceIdOf(event);
    const target = this.#target;
    if (target.kind === 'function')
      return this.#respond(
        await this.#invokeFunction(target, awsProxyEvent(event, this.#options.api, traceId)),
        `function ${target.fn.name}`,
      );
    const response = await this.#postJson(target, this.#encoder.bytes(event, traceId), JSON_LINE, this.#options.maxResponseBytes);
    const source = endpointAt(target, response);
    try {
      return this.#respond(resultOf(response, source), source);
    } catch (error) {
      throw atUpstream(error, response.origin);
    }
  }

  /**
   * The integration response of one result: a Lambda proxy result within the response size limit.
   * `source` names the function, or the endpoint replica that answered.
   */
  #respond(result: unknown, source: string): IntegrationResponse {
    const response = proxyResponse(result, source);
    if (response.body.length > this.#options.maxResponseBytes)
      throw new GatewayError(
        'SWB_ERR_BACKEND_BAD_RESPONSE',
        `${source} returned a body of more than ${this.#options.maxResponseBytes} bytes`,
      );
    return response;
  }

  async close(): Promise<void> {
    // The runner and the pools are shared and closed by their owner.
  }

  async #invokeFunction(
    target: Extract<AwsProxyTarget, { kind: 'function' }>,
    lambdaEvent: unknown,
  ): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new GatewayError(
              'SWB_ERR_BACKEND_TIMEOUT',
              `function ${target.fn.name} did not answer within the integration timeout of ${this.#options.timeoutMs} ms`,
            ),
          ),
        this.#options.timeoutMs,
      );
    });
    try {
      return await Promise.race([target.runner.invoke(target.fn, lambdaEvent), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One batch: a JSON array of `count` events, answered by an array of as many results. Each
   * result is settled here, while the replica that answered is known: its event gets the response,
   * or the error that fails that event alone (`settledResponse`).
   */
  async #postBatch(target: HttpTarget, body: Buffer, count: number): Promise<readonly unknown[]> {
    const response = await this.#postJson(
      target,
      body,
      `${JSON_LINE}${eventBatchHeader}: ${count}\r\n`,
      this.#options.maxResponseBytes * count,
    );
    const source = endpointAt(target, response);
    const results = resultOf(response, source);
    if (!Array.isArray(results) || results.length !== count)
      throw atUpstream(
        new GatewayError(
          'SWB_ERR_BACKEND_BAD_RESPONSE',
          `${source} answered a batch of ${count} events with ${Array.isArray(results) ? `${results.length} results` : 'something that is not an array'}: a batch is answered by a JSON array of one result per event, in order`,
        ),
        response.origin,
      );
    const settled = results as unknown[];
    for (let i = 0; i < count; i += 1) {
      try {
        settled[i] = this.#respond(settled[i], source);
      } catch (error) {
        settled[i] = atUpstream(error, response.origin);
      }
    }
    return settled;
  }

  /**
   * POSTs `body` with `headerLines` and resolves with a 2xx answer; an answer over `maxBytes` fails
   * in the HTTP client (`too-large`). Failures name the replica that failed.
   */
  async #postJson(target: HttpTarget, body: Buffer, headerLines: string, maxBytes: number): Promise<BackendResponse> {
    try {
      const response = await target.upstreams.request(
        {
          method: 'POST',
          path: target.path,
          headers: NO_HEADERS,
          trustedHeaders: headerLines,
          body,
          maxBodyBytes: maxBytes,
        },
        this.#options.timeoutMs,
      );
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw atUpstream(
          new GatewayError(
            'SWB_ERR_BACKEND_BAD_RESPONSE',
            `${endpointAt(target, response)} answered ${response.statusCode}: an AWS_PROXY endpoint reports failures in the result, as a function does`,
          ),
          response.origin,
        );
      }
      return response;
    } catch (error) {
      throw classifyBackendError(error, target.uri, this.#options.timeoutMs);
    }
  }
}

/**
 * `endpoint URL` of the replica that gave `response`, for messages (without the query string). Every
 * answer needs it at hand, so it is built once per replica rather than parsed from the URL each time.
 */
function endpointAt(target: HttpTarget, response: BackendResponse): string {
  let endpoint = target.endpoints.get(response.origin);
  if (endpoint === undefined) {
    endpoint = `endpoint ${withoutQuery(urlAt(target.uri, response.origin))}`;
    target.endpoints.set(response.origin, endpoint);
  }
  return endpoint;
}

/** The JSON result in an endpoint's answer; an empty body is no result (null). */
function resultOf(response: BackendResponse, source: string): unknown {
  const text = response.body.toString();
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw atUpstream(
      new GatewayError('SWB_ERR_BACKEND_BAD_RESPONSE', `${source} answered with a body that is not JSON`, { cause: error }),
      response.origin,
    );
  }
}

/** A batched event's settled result (#postBatch): its response, or the error that fails it alone. */
function settledResponse(settled: unknown): IntegrationResponse {
  if (settled instanceof Error) throw settled;
  return settled as IntegrationResponse;
}

/** The `X-Amzn-Trace-Id` of a call: only a CONNECT event carries one. */
function traceIdOf(event: IntegrationEvent): string {
  return event.eventType === 'CONNECT' ? newTraceId(event.requestTimeEpoch) : '';
}

/**
 * A Lambda proxy result as an integration response: `{statusCode, headers, multiValueHeaders, body,
 * isBase64Encoded}`. Nothing (`null`) is a 200 with no body; anything else that is not such an
 * object, a non-string body or a bad status is a malformed result (the `Internal server error` frame).
 */
export function proxyResponse(result: unknown, source: string): IntegrationResponse {
  if (result === null || result === undefined) return { status: 200, headers: {}, body: Buffer.alloc(0) };
  if (typeof result !== 'object' || Array.isArray(result))
    throw malformed(source, 'the result is not an object');
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = result as Record<string, unknown>;
  const status =
    statusCode === undefined ? 200 : typeof statusCode === 'string' ? Number(statusCode) : statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
    throw malformed(source, 'statusCode is not an HTTP status');
  if (body !== undefined && body !== null && typeof body !== 'string')
    throw malformed(source, 'body is not a string');
  const out: Record<string, string | string[]> = {};
  if (multiValueHeaders !== null && typeof multiValueHeaders === 'object') {
    for (const [name, values] of Object.entries(multiValueHeaders))
      if (Array.isArray(values)) out[name.toLowerCase()] = values.map(String);
  }
  if (headers !== null && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers))
      if (value !== undefined && value !== null) out[name.toLowerCase()] = String(value);
  }
  const text = typeof body === 'string' ? body : '';
  return {
    status,
    headers: out,
    body: isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text),
  };
}

function malformed(source: string, why: string): GatewayError {
  return new GatewayError(
    'SWB_ERR_BACKEND_BAD_RESPONSE',
    `${source} returned a malformed Lambda proxy result: ${why}`,
  );
}
