/**
 * The KEDA external scaler over real gRPC: a KEDA-like client built from the shipped proto drives
 * it while clients connect, send and leave, and checks GetMetricSpec, GetMetrics, IsActive and the
 * StreamIsActive push on the first connection (what lets KEDA scale a backend from zero).
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { kedaClient, type KedaClient } from './keda-client.js';

const WINDOW_MS = 2000;
const dev = { metric: 'connections', stage: 'dev', targetValue: '2' };

describe('KEDA external scaler', () => {
  let backend: TestBackend;
  let gateway: TestGateway;
  let keda: KedaClient;

  beforeAll(async () => {
    backend = await startTestBackend();
    gateway = await startTestGateway({
      ...routesTo(backend.url),
      api: { stages: ['dev', 'prod'] },
      scaler: { enabled: true, host: '127.0.0.1', port: 0, windowMs: WINDOW_MS },
    });
    if (gateway.scalerPort === undefined) throw new Error('the scaler did not start');
    keda = kedaClient(gateway.scalerPort);
  });

  afterAll(async () => {
    keda.close();
    await gateway.close();
    await backend.close();
  });

  it('describes its metric with the target from scalerMetadata', async () => {
    expect(await keda.getMetricSpec(dev)).toEqual([
      { metricName: 'switchboard-connections-dev', targetSize: 2, targetSizeFloat: 2 },
    ]);
    expect(await keda.getMetricSpec({ metric: 'messageRate', targetValue: '7.5' })).toEqual([
      { metricName: 'switchboard-messagerate', targetSize: 8, targetSizeFloat: 7.5 },
    ]);
  });

  it('refuses scalerMetadata it cannot use with INVALID_ARGUMENT and SWB_ERR_SCALER_METADATA', async () => {
    const failure = await keda.getMetrics({ metric: 'cpu', stage: 'nope' }, 'x').then(
      () => undefined,
      (error: unknown) => error as grpc.ServiceError,
    );
    expect(failure?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(failure?.details).toContain('SWB_ERR_SCALER_METADATA');
    expect(failure?.details).toContain('stage "nope"');
  });

  it('ends a StreamIsActive with bad scalerMetadata with INVALID_ARGUMENT, not a status-less cut', async () => {
    const stream = keda.streamIsActive({ metric: 'cpu' });
    const status = await stream.status;
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toContain('SWB_ERR_SCALER_METADATA');
    expect(status.details).toContain('metric "cpu"');
    await stream.ended;
  });

  it('answers GetMetrics for a metric it does not serve with NOT_FOUND, and an empty name as the spec named it', async () => {
    const failure = await keda.getMetrics(dev, 'switchboard-messagerate-dev').then(
      () => undefined,
      (error: unknown) => error as grpc.ServiceError,
    );
    expect(failure?.code).toBe(grpc.status.NOT_FOUND);
    expect(failure?.details).toContain('SWB_ERR_SCALER_METRIC');
    expect(failure?.details).toContain('"switchboard-connections-dev"');
    expect(await keda.getMetrics(dev, '')).toEqual([
      { metricName: 'switchboard-connections-dev', metricValue: 0, metricValueFloat: 0 },
    ]);
  });

  it('pushes true on the first connection and false after the last leaves, and counts connections', async () => {
    expect(await keda.isActive(dev)).toBe(false);
    const stream = keda.streamIsActive(dev);
    expect(await stream.next()).toBe(false);

    const first = await connectClient(gateway.url('dev'));
    expect(await stream.next()).toBe(true);
    expect(await keda.isActive(dev)).toBe(true);
    expect(await keda.isActive({ ...dev, stage: 'prod' })).toBe(false);

    const more = await Promise.all([
      connectClient(gateway.url('dev')),
      connectClient(gateway.url('dev')),
      connectClient(gateway.url('prod')),
    ]);
    expect(await keda.getMetrics(dev, 'switchboard-connections-dev')).toEqual([
      { metricName: 'switchboard-connections-dev', metricValue: 3, metricValueFloat: 3 },
    ]);
    expect(
      (await keda.getMetrics({ metric: 'connections' }, 'switchboard-connections'))[0]?.metricValueFloat,
    ).toBe(4);
    expect(await keda.isActive({ ...dev, activationTargetValue: '3' })).toBe(false);

    await Promise.all([first, ...more].map((client) => client.close()));
    expect(await stream.next()).toBe(false);
    expect((await keda.getMetrics(dev, 'switchboard-connections-dev'))[0]?.metricValue).toBe(0);
    stream.cancel();
    await stream.ended;
  });

  it('reports the message rate over the sliding window', async () => {
    const rate = { metric: 'messageRate', stage: 'dev', targetValue: '5' };
    const before = (await keda.getMetrics(rate, 'switchboard-messagerate-dev'))[0]?.metricValueFloat ?? -1;
    await using client = await connectClient(gateway.url('dev'));
    const sent = 20;
    for (let i = 0; i < sent; i++) {
      client.send(`m${String(i)}`);
      expect(await client.next()).toBe(`m${String(i)}`);
    }
    const [value] = await keda.getMetrics(rate, 'switchboard-messagerate-dev');
    // The window is at most WINDOW_MS long, so the rate is at least sent / window on top of what was there.
    expect(value?.metricValueFloat).toBeGreaterThanOrEqual(before + (sent * 1000) / WINDOW_MS);
    expect(value?.metricValue).toBe(Math.ceil(value?.metricValueFloat ?? 0));
    expect(await keda.isActive({ ...rate, activationTargetValue: '1' })).toBe(true);
    expect(
      (await keda.getMetrics({ ...rate, stage: 'prod' }, 'switchboard-messagerate-prod'))[0]
        ?.metricValueFloat,
    ).toBe(0);
  });

  it('scales from zero when $connect needs the backend: a refused attempt pushes true', async () => {
    // The backend is "at zero": its $connect answers 503, as a Service without endpoints would fail.
    await using down = await startTestBackend((_request, response) => {
      response.writeHead(503).end();
    });
    await using cold = await startTestGateway({
      ...routesTo(down.url),
      scaler: { enabled: true, host: '127.0.0.1', port: 0, windowMs: 1000 },
    });
    const client = kedaClient(cold.scalerPort ?? 0);
    try {
      const stream = client.streamIsActive({ stage: 'dev' });
      expect(await stream.next()).toBe(false);
      await expect(connectClient(cold.url('dev'))).rejects.toMatchObject({ status: 503 });
      expect(await stream.next()).toBe(true);
      expect(await client.isActive({ stage: 'dev' })).toBe(true);
      expect(await client.isActive({ stage: 'dev', activationTargetValue: '1' })).toBe(false);
      expect((await client.getMetrics({ stage: 'dev' }, 'switchboard-connections-dev'))[0]?.metricValue).toBe(
        0,
      );
      // Once the attempt has left the window (1 s), the stage is inactive again.
      expect(await stream.next()).toBe(false);
      stream.cancel();
    } finally {
      client.close();
    }
  });

  it('ends StreamIsActive streams when the gateway closes', async () => {
    const lateBackend = await startTestBackend();
    const other = await startTestGateway({
      ...routesTo(lateBackend.url),
      scaler: { enabled: true, host: '127.0.0.1', port: 0 },
    });
    const client = kedaClient(other.scalerPort ?? 0);
    try {
      const stream = client.streamIsActive({});
      expect(await stream.next()).toBe(false);
      await other.close();
      await stream.ended;
    } finally {
      client.close();
      await other.close();
      await lateBackend.close();
    }
  });
});
