/**
 * Throttling end to end: a message over its route's or stage's bucket gets the documented
 * `Too Many Requests` frame and never reaches the backend (the connection stays open), and a new
 * connection over `throttling.connectionsPerSecond` gets HTTP 429 on the upgrade, while one address
 * flooding the gateway leaves the others their per-IP share (127.0.0.2 is another source address on
 * Linux loopback). The rates are tiny so that no refill can happen within the test.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient, refusal, refusedStatus, type TestClient } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';

/** Client errors published on the diagnostics channel the metrics count (switchboard_client_error_total). */
let clientErrors: unknown[] = [];
const onClientError = (message: unknown) => clientErrors.push(message);
beforeEach(() => {
  clientErrors = [];
  subscribe('switchboard:client:error', onClientError);
});
afterEach(() => unsubscribe('switchboard:client:error', onClientError));

const THROTTLE_FRAME =
  /^\{"message": "Too Many Requests", "connectionId":"([A-Za-z0-9_-]{15}=)", "requestId":"[A-Za-z0-9_-]{15}="\}$/;

describe('message throttling', () => {
  it('sends the throttle frame once the route bucket is empty, per route, without calling the backend', async () => {
    await using backend = await startTestBackend((request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(
        request.path.startsWith('/message') || request.path.startsWith('/chat') ? request.body : '',
      );
    });
    await using gateway = await startTestGateway({
      ...routesTo(backend.url, { chat: { path: '/chat', twoWay: true } }),
      throttling: {
        messages: { rateLimit: 0.001, burstLimit: 2 },
        routes: { chat: { rateLimit: 0.001, burstLimit: 1 } },
      },
    });
    await using client = await connectClient(gateway.url());
    client.send('one');
    expect(await client.next()).toBe('one');
    client.send('two');
    expect(await client.next()).toBe('two');
    client.send('three');
    const frame = await client.next();
    expect(frame).toMatch(THROTTLE_FRAME);
    expect(THROTTLE_FRAME.exec(frame)?.[1]).toBe(
      String((await backend.next('/connect')).headers['x-switchboard-connection-id']),
    );

    // The chat route has its own bucket of 1.
    client.send('{"action":"chat","n":1}');
    expect(await client.next()).toBe('{"action":"chat","n":1}');
    client.send('{"action":"chat","n":2}');
    expect(await client.next()).toMatch(THROTTLE_FRAME);

    expect(
      backend.requests.filter((r) => r.path.startsWith('/message')).map((r) => r.body.toString()),
    ).toEqual(['one', 'two']);
    expect(backend.requests.filter((r) => r.path.startsWith('/chat'))).toHaveLength(1);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect(clientErrors).toEqual([
      { stage: 'dev', code: 'SWB_ERR_THROTTLED' },
      { stage: 'dev', code: 'SWB_ERR_THROTTLED' },
    ]);
  });
});

describe('connection throttling', () => {
  it('answers 429 to upgrades over the new-connection rate', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({
      ...routesTo(backend.url),
      throttling: { connectionsPerSecond: 0.001, connectionBurst: 2 },
    });
    await using first = await connectClient(gateway.url());
    await using second = await connectClient(gateway.url());
    expect(await refusedStatus(gateway.url())).toEqual({
      status: 429,
      body: '{"message":"Too Many Requests"}',
    });
    expect(backend.requests.filter((r) => r.path.startsWith('/connect'))).toHaveLength(2);
    expect([first.ws.readyState, second.ws.readyState]).toEqual([first.ws.OPEN, second.ws.OPEN]);
    expect(clientErrors).toEqual([{ stage: 'dev', code: 'SWB_ERR_THROTTLED' }]);
  });

  /** Opens connections from `localAddress` until one is refused; returns the open ones and the refusal. */
  async function flood(url: string, localAddress: string, most: number) {
    const open: TestClient[] = [];
    for (let i = 0; i < most; i++) {
      try {
        open.push(await connectClient(url, undefined, { localAddress }));
      } catch (error) {
        return { open, refused: error as { status?: number; headers?: Record<string, unknown> } };
      }
    }
    return { open, refused: undefined };
  }

  it('keeps a per-IP share: one address flooding cannot lock another out', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({
      ...routesTo(backend.url),
      throttling: { connectionsPerSecond: 0.001, connectionBurst: 10, connectionBurstPerIp: 3 },
    });
    const flooder = await flood(gateway.url(), '127.0.0.1', 20);
    // All but the 3 tokens kept for addresses within their share.
    expect(flooder.open).toHaveLength(7);
    expect(flooder.refused).toMatchObject({ status: 429, headers: { 'x-switchboard-error-code': 'SWB_ERR_THROTTLED' } });
    const other = await flood(gateway.url(), '127.0.0.2', 20);
    expect(other.open).toHaveLength(3);
    other.open[0]?.send('from another address');
    expect(await other.open[0]?.next()).toBe('from another address');
    expect(await refusal(gateway.url(), { localAddress: '127.0.0.1' })).toMatchObject({ status: 429, code: 'SWB_ERR_THROTTLED' });
    await Promise.all([...flooder.open, ...other.open].map((client) => client.close()));
  });

  it('without the share (connectionBurstPerIp: 0), the flooding address takes the whole budget', async () => {
    await using gateway = await startTestGateway({
      throttling: { connectionsPerSecond: 0.001, connectionBurst: 10, connectionBurstPerIp: 0 },
    });
    const flooder = await flood(gateway.url(), '127.0.0.1', 20);
    expect(flooder.open).toHaveLength(10);
    expect(await refusal(gateway.url(), { localAddress: '127.0.0.2' })).toMatchObject({ status: 429, code: 'SWB_ERR_THROTTLED' });
    await Promise.all(flooder.open.map((client) => client.close()));
  });
});
