// Unit test of AwsProxyIntegration's batched path: like every integration, invoke() reports a
// failure as a rejected promise, never as a throw (callers chain on it with `then`), even when the
// event cannot be written as JSON; and nothing is sent for it. No sockets.
import { describe, expect, it } from 'vitest';
import type { AuthorizerContextValue } from '../auth/authorizer-context.js';
import { AwsProxyIntegration } from './aws-proxy.js';
import type { ApiIdentity, IntegrationEvent } from './integration-event.js';
import type { UpstreamSet } from './upstreams/upstream-set.js';

const api: ApiIdentity = { apiId: 'local', domainName: '127.0.0.1', region: 'us-east-1', clientPort: 80, clientProto: 'http' };

describe('AwsProxyIntegration with batchSize', () => {
  it('rejects, rather than throws, when the event cannot be written as JSON, and sends nothing', async () => {
    const requests: unknown[] = [];
    const upstreams = { request: (request: unknown) => (requests.push(request), new Promise(() => undefined)) } as unknown as UpstreamSet;
    const integration = new AwsProxyIntegration(
      { kind: 'http', uri: 'http://127.0.0.1:1/events', upstreams },
      { api, timeoutMs: 1000, maxResponseBytes: 1024, batchSize: 8 },
    );
    const event: IntegrationEvent = {
      eventType: 'MESSAGE',
      routeKey: '$default',
      connectionId: 'R1kmxc2VNjMCFIA=',
      stage: 'dev',
      connectedAt: 0,
      handshake: { headers: {}, rawQuery: '', sourceIp: '127.0.0.1', userAgent: '', forwardedFor: '127.0.0.1' },
      requestId: 'R1knPH17NjMFftw=',
      messageId: 'R1knPc2ntjMCFIA=',
      requestTimeEpoch: 0,
      body: Buffer.from('hello'),
      binary: false,
      managementUrl: 'http://127.0.0.1:2/dev',
      // JSON.stringify cannot write a BigInt: the event's JSON fails to build.
      authorizer: { principalId: 'me', integrationLatency: 0, context: { big: 1n as unknown as AuthorizerContextValue } },
    };
    let call: Promise<unknown> | undefined;
    expect(() => (call = integration.invoke(event))).not.toThrow();
    await expect(call).rejects.toThrow(/BigInt/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(requests).toHaveLength(0);
  });
});
