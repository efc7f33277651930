/**
 * A REQUEST authorizer behind HTTP: the AWS authorizer input is POSTed as JSON to `uri`; a 2xx body
 * is the authorizer output JSON (or `"Unauthorized"`). A 401 answer means Unauthorized, a 403 Deny;
 * any other status, a timeout or an unreachable authorizer is an authorizer error (500).
 */
import { Agent, request } from 'undici';
import type { AuthorizerConfig } from '../config/authorizers.js';
import { MAX_AUTHORIZER_RESULT_BYTES } from './authorizer-output.js';
import type { AuthorizerOptions } from './connect-authorizer.js';
import { RequestAuthorizer, UnauthorizedSignal } from './request-authorizer.js';
import type { RequestAuthorizerInput } from './request-authorizer-input.js';

const DENY = {
  principalId: 'denied',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: '*' }],
  },
};

export class HttpRequestAuthorizer extends RequestAuthorizer {
  readonly #uri: string;
  readonly #agent: Agent;

  constructor(name: string, config: AuthorizerConfig, uri: string, options: AuthorizerOptions) {
    super(name, config, options);
    this.#uri = uri;
    this.#agent = new Agent({
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
      connections: 16,
    });
  }

  protected async call(input: RequestAuthorizerInput): Promise<unknown> {
    const response = await request(this.#uri, {
      method: 'POST',
      dispatcher: this.#agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(this.config.timeoutMs),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_AUTHORIZER_RESULT_BYTES) {
        response.body.destroy();
        throw new Error(`the result is larger than ${MAX_AUTHORIZER_RESULT_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString();
    if (response.statusCode === 401) throw new UnauthorizedSignal('the authorizer answered 401');
    if (response.statusCode === 403) return DENY;
    if (response.statusCode < 200 || response.statusCode >= 300)
      throw new Error(`the authorizer answered HTTP ${response.statusCode}`);
    if (text.trim() === 'Unauthorized') return 'Unauthorized';
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error('the result is not JSON');
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
