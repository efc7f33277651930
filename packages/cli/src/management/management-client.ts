/**
 * A small client for a gateway's management API (`@connections`, `@broadcast`), authenticated with
 * SigV4, a bearer token or nothing. Error answers become a GatewayError carrying the gateway's own
 * `SWB_ERR_*` code (from `x-switchboard-error-code`), so the CLI can pick a meaningful exit code.
 */
import { errorCodes, ERROR_CODE_HEADER, type ErrorCode } from '@switchboard/protocol';
import { GatewayError } from '@switchboard/gateway';
import { signRequest, type AwsCredentials } from './sigv4-signer.js';

export type ManagementAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'sigv4'; readonly credentials: AwsCredentials; readonly region: string };

export interface ManagementClientOptions {
  /** `http://host:8081/dev`: the admin listener and the stage, as `switchboard gateway` prints it. */
  readonly endpoint: URL;
  readonly auth: ManagementAuth;
  /** Per-request deadline in milliseconds. @default 10000 */
  readonly timeoutMs?: number;
}

export interface ManagementAnswer {
  readonly status: number;
  readonly body: Buffer;
}

export class ManagementClient {
  readonly #options: ManagementClientOptions;

  constructor(options: ManagementClientOptions) {
    this.#options = options;
  }

  /** `POST /{stage}/@connections/{id}`. */
  async send(connectionId: string, data: Buffer): Promise<void> {
    await this.#request('POST', ['@connections', connectionId], data);
  }

  /** `GET /{stage}/@connections/{id}`: the connection's description. */
  async get(connectionId: string): Promise<unknown> {
    return json(await this.#request('GET', ['@connections', connectionId]));
  }

  /** `DELETE /{stage}/@connections/{id}`. */
  async delete(connectionId: string): Promise<void> {
    await this.#request('DELETE', ['@connections', connectionId]);
  }

  /** `GET /{stage}/@connections?limit=&nextToken=`: one page of open connections. */
  async listPage(
    limit: number,
    nextToken: string | undefined,
  ): Promise<{ items: unknown[]; nextToken?: string }> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (nextToken !== undefined) query.set('nextToken', nextToken);
    return json(await this.#request('GET', ['@connections'], undefined, query)) as {
      items: unknown[];
      nextToken?: string;
    };
  }

  /** `POST /{stage}/@broadcast`: the frame to every connection of the stage; how many it reached. */
  async broadcast(data: Buffer): Promise<unknown> {
    return json(await this.#request('POST', ['@broadcast'], data));
  }

  async #request(
    method: string,
    segments: readonly string[],
    body?: Buffer,
    query?: URLSearchParams,
  ): Promise<ManagementAnswer> {
    const { endpoint, auth } = this.#options;
    const base = endpoint.pathname.replace(/\/+$/, '');
    const url = new URL(endpoint.origin);
    url.pathname = `${base}/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
    if (query !== undefined) url.search = query.toString();
    const payload = body ?? Buffer.alloc(0);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/octet-stream';
    if (auth.kind === 'bearer') headers.authorization = `Bearer ${auth.token}`;
    if (auth.kind === 'sigv4')
      Object.assign(
        headers,
        signRequest({ method, url, body: payload, region: auth.region, credentials: auth.credentials }),
      );
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: payload }),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new GatewayError(
        'SWB_ERR_CLI_REQUEST',
        `${method} ${url.href}: the gateway did not answer (${reason})`,
        { cause: error },
      );
    }
    const answer = { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
    if (response.ok) return answer;
    const code = response.headers.get(ERROR_CODE_HEADER) ?? '';
    const type = response.headers.get('x-amzn-errortype') ?? `HTTP ${response.status}`;
    const message = messageOf(answer.body);
    throw new GatewayError(
      Object.hasOwn(errorCodes, code) ? (code as ErrorCode) : 'SWB_ERR_CLI_REQUEST',
      `${method} ${url.pathname}: ${response.status} ${type}${message === undefined ? '' : `: ${message}`}`,
    );
  }
}

function messageOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return body.length === 0 ? undefined : body.toString('utf8').slice(0, 200);
  }
}

function json(answer: ManagementAnswer): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch (error) {
    throw new GatewayError(
      'SWB_ERR_CLI_REQUEST',
      `the gateway answered ${answer.status} with a body that is not JSON`,
      { cause: error },
    );
  }
}
