/**
 * The figures behind the scaling signals: a node's LocalFigures counts only its own connections and
 * messages (two gateways share one process here), reports activity changes as they happen, and the
 * external scaler serves whatever Figures it is given, e.g. cluster-wide ones.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ActivityChange, Figures, StageFigures } from '../../src/figures/figures.js';
import { ExternalScalerServer } from '../../src/scaler/external-scaler.js';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';
import { kedaClient } from './keda-client.js';

describe('LocalFigures', () => {
  it("counts only its own gateway's connections and messages, and reports activity changes at once", async () => {
    await using backend = await startTestBackend();
    await using a = await startTestGateway({ ...routesTo(backend.url), api: { stages: ['dev', 'prod'] } });
    // b serves other stages: `$connect` attempts carry no connection, so they are told apart by stage.
    await using b = await startTestGateway({ ...routesTo(backend.url), api: { stages: ['dev-b'] } });
    const changes: ActivityChange[] = [];
    a.gateway.figures.onActivityChange((change) => changes.push(change));

    await using onB = await connectClient(b.url('dev-b'));
    onB.send('to b');
    expect(await onB.next()).toBe('to b');
    expect(await a.gateway.figures.read('dev')).toEqual({
      stage: 'dev',
      connections: 0,
      messagesPerSecond: 0,
      connectAttempts: 0,
    });
    expect(changes).toEqual([]);

    const onA = await connectClient(a.url('prod'));
    expect(changes).toEqual([{ stage: 'prod', active: true }]);
    onA.send('to a');
    expect(await onA.next()).toBe('to a');
    const prod = await a.gateway.figures.read('prod');
    expect(prod.connections).toBe(1);
    expect(prod.messagesPerSecond).toBeGreaterThan(0);
    expect((await a.gateway.figures.read()).connections).toBe(1);
    expect((await a.gateway.figures.readAll()).map((s) => s.stage).sort()).toEqual(['dev', 'prod']);

    expect(prod.connectAttempts).toBe(1);
    await onA.close();
    await a.gateway.registry.whenEmpty();
    // The stage stays active while its `$connect` attempt is within the window.
    expect(changes).toEqual([{ stage: 'prod', active: true }]);
  });

  it('counts a refused $connect as an attempt: the stage is active until the attempt leaves the window', async () => {
    await using backend = await startTestBackend((_request, response) => {
      response.writeHead(500).end();
    });
    await using gateway = await startTestGateway({ ...routesTo(backend.url), scaler: { windowMs: 1000 } });
    const changes: ActivityChange[] = [];
    const inactive = new Promise<void>((resolve) => {
      gateway.gateway.figures.onActivityChange((change) => {
        changes.push(change);
        if (!change.active) resolve();
      });
    });
    await expect(connectClient(gateway.url('dev'))).rejects.toMatchObject({ status: 500 });
    expect(await gateway.gateway.figures.read('dev')).toMatchObject({ connections: 0, connectAttempts: 1 });
    expect(changes).toEqual([{ stage: 'dev', active: true }]);
    await inactive;
    expect(changes).toEqual([
      { stage: 'dev', active: true },
      { stage: 'dev', active: false },
    ]);
    expect((await gateway.gateway.figures.read('dev')).connectAttempts).toBe(0);
  });
});

/** Cluster-wide figures as the cluster module provides them: here driven by hand. */
class HandDrivenFigures implements Figures {
  readonly scope = 'cluster';
  readonly windowMs = 60_000;
  connections = 0;
  readonly #listeners = new Set<(change: ActivityChange) => void>();
  read(stage?: string): Promise<StageFigures> {
    return Promise.resolve({
      stage: stage ?? '*',
      connections: this.connections,
      messagesPerSecond: this.connections * 2,
    });
  }
  async readAll(): Promise<readonly StageFigures[]> {
    return [await this.read('dev')];
  }
  onActivityChange(listener: (change: ActivityChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  set(connections: number): void {
    const was = this.connections > 0;
    this.connections = connections;
    if (was !== connections > 0)
      for (const listener of this.#listeners) listener({ stage: 'dev', active: connections > 0 });
  }
  close(): void {
    this.#listeners.clear();
  }
}

describe('external scaler over other Figures', () => {
  it('serves the figures it is given and pushes their activity changes', async () => {
    const figures = new HandDrivenFigures();
    const server = new ExternalScalerServer({
      figures,
      stages: ['dev'],
      logger: pino({ level: 'silent' }),
      streamPollMs: 60_000,
    });
    const port = await server.listen(0, '127.0.0.1');
    const keda = kedaClient(port);
    try {
      const stream = keda.streamIsActive({ stage: 'dev' });
      expect(await stream.next()).toBe(false);
      figures.set(250);
      expect(await stream.next()).toBe(true);
      expect(
        (await keda.getMetrics({ stage: 'dev' }, 'switchboard-connections-dev'))[0]?.metricValueFloat,
      ).toBe(250);
      expect(
        (await keda.getMetrics({ metric: 'messageRate' }, 'switchboard-messagerate'))[0]?.metricValueFloat,
      ).toBe(500);
      figures.set(0);
      expect(await stream.next()).toBe(false);
    } finally {
      keda.close();
      await server.close();
    }
  });
});
