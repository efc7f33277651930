/**
 * `GET /metrics` and `GET /scaling/figures` on the admin listener, after real traffic through a
 * real gateway: each CloudWatch-like counter, the latency histogram and the per-stage gauges.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, unusedUrl, type TestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';

/** The value of one sample line, e.g. `name{a="b"}`, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics endpoints', () => {
  let backend: TestBackend;
  let gateway: TestGateway;

  beforeAll(async () => {
    backend = await startTestBackend((req, res) => {
      if (req.path.startsWith('/fail')) res.writeHead(500).end('boom');
      else if (req.path.startsWith('/message')) res.writeHead(200).end(req.body);
      else res.writeHead(200).end();
    });
    const [dead, alsoDead] = [await unusedUrl(), await unusedUrl()];
    const base = routesTo(backend.url, { fail: { path: '/fail', twoWay: true } });
    gateway = await startTestGateway({
      routes: { ...base.routes, gone: { integration: 'gone' } },
      // Two upstreams that refuse: the call is retried on the second, then fails at once (none ever answered).
      integrations: { ...base.integrations, gone: { uri: `${dead}/gone`, uris: [`${alsoDead}/gone`], timeoutMs: 500 } },
      api: { stages: ['dev', 'prod'] },
    });
  });

  afterAll(async () => {
    await gateway.close();
    await backend.close();
  });

  it('counts connects, messages by route and direction, errors and latency, and reports open connections', async () => {
    await using client = await connectClient(gateway.url('dev'));
    client.send('hello');
    expect(await client.next()).toBe('hello');
    client.send('{"action":"fail"}');
    expect(await client.next()).toBe('boom');
    client.send('{"action":"gone"}');
    expect(JSON.parse(await client.next())).toMatchObject({ message: 'Internal server error' });

    const response = await request(`${gateway.adminUrl}/metrics`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = await response.body.text();
    expect(sample(text, 'switchboard_connect_count_total{stage="dev"}')).toBe(1);
    expect(
      sample(
        text,
        'switchboard_message_count_total{stage="dev",direction="in",route="$default",source="client"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'switchboard_message_count_total{stage="dev",direction="in",route="fail",source="client"}',
      ),
    ).toBe(1);
    expect(
      sample(text, 'switchboard_message_count_total{stage="dev",direction="out",route="",source="reply"}'),
    ).toBe(2);
    expect(
      sample(text, 'switchboard_message_count_total{stage="dev",direction="out",route="",source="error"}'),
    ).toBe(1);
    expect(sample(text, 'switchboard_integration_error_total{stage="dev",route="fail",status="500"}')).toBe(
      1,
    );
    expect(
      sample(
        text,
        'switchboard_execution_error_total{stage="dev",route="gone",code="SWB_ERR_BACKEND_UNREACHABLE"}',
      ),
    ).toBe(1);
    expect(sample(text, 'switchboard_integration_latency_seconds_count{stage="dev",route="$connect"}')).toBe(
      1,
    );
    expect(sample(text, 'switchboard_integration_latency_seconds_count{stage="dev",route="$default"}')).toBe(
      1,
    );
    expect(sample(text, 'switchboard_open_connections{stage="dev"}')).toBe(1);
    expect(sample(text, 'switchboard_open_connections{stage="prod"}')).toBe(0);
    expect(sample(text, 'switchboard_messages_per_second{stage="dev"}')).toBeGreaterThan(0);
    // The dead upstreams were ejected and the undelivered call retried before it failed.
    expect(sample(text, 'switchboard_upstream_ejections_total{integration="gone"}')).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(text, 'switchboard_upstream_retries_total{integration="gone"}')).toBeGreaterThanOrEqual(1);
    for (const name of ['switchboard_client_error_total', 'switchboard_upstream_returns_total'])
      expect(text).toContain(`# TYPE ${name} counter`);

    // $disconnect calls are integration calls too.
    const answered = new Promise<void>((resolve) => {
      const onResponse = (message: unknown) => {
        if ((message as { routeKey?: string }).routeKey !== '$disconnect') return;
        unsubscribe('switchboard:integration:response', onResponse);
        resolve();
      };
      subscribe('switchboard:integration:response', onResponse);
    });
    await client.close();
    await answered;
    const after = await (await request(`${gateway.adminUrl}/metrics`)).body.text();
    expect(sample(after, 'switchboard_integration_latency_seconds_count{stage="dev",route="$disconnect"}')).toBe(1);
  });

  it('serves the figures KEDA metrics-api reads, per stage and in total', async () => {
    await using a = await connectClient(gateway.url('dev'));
    await using _prod = await connectClient(gateway.url('prod'));
    a.send('x');
    expect(await a.next()).toBe('x');
    const response = await request(`${gateway.adminUrl}/scaling/figures`);
    expect(response.statusCode).toBe(200);
    const body = (await response.body.json()) as {
      scope: string;
      windowMs: number;
      connections: number;
      messagesPerSecond: number;
      stages: Record<string, { connections: number; messagesPerSecond: number; connectAttempts: number }>;
      connectAttempts: number;
    };
    expect(body).toMatchObject({
      scope: 'node',
      windowMs: 60_000,
      connections: 2,
      stages: { dev: { connections: 1 }, prod: { connections: 1, messagesPerSecond: 0 } },
    });
    expect(body.stages.dev?.messagesPerSecond).toBeGreaterThan(0);
    expect(body.messagesPerSecond).toBe(body.stages.dev?.messagesPerSecond);
    // Every upgrade in the window counts as a `$connect` attempt (the first test connected to dev too).
    expect(body.stages.prod?.connectAttempts).toBe(1);
    expect(body.stages.dev?.connectAttempts).toBe(2);
    expect(body.connectAttempts).toBe(3);
  });

  it('counts a message no route matches as a client error', async () => {
    await using other = await startTestGateway({
      routes: { only: { integration: 'only' } },
      integrations: { only: { uri: `${backend.url}/message` } },
    });
    await using client = await connectClient(other.url('dev'));
    client.send('{"action":"nothing"}');
    expect(JSON.parse(await client.next())).toMatchObject({ message: 'Forbidden' });
    const text = await (await request(`${other.adminUrl}/metrics`)).body.text();
    expect(
      sample(text, 'switchboard_client_error_total{stage="dev",code="SWB_ERR_ROUTE_NOT_FOUND"}'),
    ).toBeGreaterThanOrEqual(1);
  });

  it('serves neither endpoint when metrics are off', async () => {
    await using other = await startTestGateway({ metrics: { enabled: false } });
    expect((await request(`${other.adminUrl}/metrics`)).statusCode).toBe(403);
    expect((await request(`${other.adminUrl}/scaling/figures`)).statusCode).toBe(403);
  });
});
