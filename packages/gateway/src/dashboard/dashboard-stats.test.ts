// DashboardStats and RecentTraffic fed by publishing on the real diagnostics channels, with a fake clock.
import { afterEach, describe, expect, it } from 'vitest';
import { channels } from '../diagnostics.js';
import { DashboardStats, HISTORY_SECONDS } from './dashboard-stats.js';
import { RecentTraffic } from './recent-traffic.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe('DashboardStats', () => {
  it('counts per second, keeps one minute, and sums errors and route counters', () => {
    let now = 1_000_000;
    const stats = new DashboardStats(() => now);
    closers.push(() => stats.close());
    channels.connectionOpen.publish({ connectionId: 'a', stage: 'dev' });
    channels.messageIn.publish({ connectionId: 'a', stage: 'dev', routeKey: 'chat' });
    channels.integrationResponse.publish({ routeKey: 'chat', stage: 'dev', status: 200, latencyMs: 10 });
    channels.integrationResponse.publish({ routeKey: 'chat', stage: 'dev', status: 502, latencyMs: 30 });
    channels.integrationError.publish({
      routeKey: 'chat',
      stage: 'dev',
      code: 'SWB_ERR_BACKEND_TIMEOUT',
      latencyMs: 50,
    });
    channels.clientError.publish({ stage: 'dev', code: 'SWB_ERR_ROUTE_NOT_FOUND' });
    now += 2_000;
    channels.connectionClose.publish({ connectionId: 'a', stage: 'dev', code: 1000, reason: '' });

    const snapshot = stats.snapshot();
    expect(snapshot.history.map((bucket) => bucket.connects)).toEqual([1, 0, 0]);
    expect(snapshot.history.at(-1)?.disconnects).toBe(1);
    expect(snapshot.history[0]).toMatchObject({
      messagesIn: 1,
      calls: 3,
      latencySumMs: 90,
      latencyMaxMs: 50,
    });
    expect(snapshot.errors).toEqual({ HTTP_5xx: 1, SWB_ERR_BACKEND_TIMEOUT: 1, SWB_ERR_ROUTE_NOT_FOUND: 1 });
    expect(snapshot.routes.chat).toEqual({
      messages: 1,
      integrationOk: 1,
      integrationErrors: 2,
      latencySumMs: 90,
      calls: 3,
    });

    now += 10 * HISTORY_SECONDS * 1000;
    const later = stats.snapshot();
    expect(later.history).toHaveLength(HISTORY_SECONDS);
    expect(later.history.every((bucket) => bucket.connects === 0)).toBe(true);
  });

  it('stops counting once closed', () => {
    const stats = new DashboardStats();
    stats.close();
    channels.connectionOpen.publish({ connectionId: 'b', stage: 'dev' });
    expect(stats.snapshot().history.at(-1)?.connects).toBe(0);
  });
});

describe('RecentTraffic', () => {
  it('keeps the last N frames of a connection and forgets it when it closes', () => {
    const traffic = new RecentTraffic(2);
    closers.push(() => traffic.close());
    channels.messageIn.publish({ connectionId: 'c', stage: 'dev', routeKey: 'one' });
    channels.messageOut.publish({ connectionId: 'c', stage: 'dev', source: 'reply' });
    channels.messageIn.publish({ connectionId: 'c', stage: 'dev', routeKey: 'three' });
    expect(traffic.of('c').map((entry) => `${entry.direction}:${entry.what}`)).toEqual([
      'out:reply',
      'in:three',
    ]);
    channels.connectionClose.publish({ connectionId: 'c', stage: 'dev', code: 1000, reason: '' });
    expect(traffic.of('c')).toEqual([]);
  });

  it('keeps nothing when turned off', () => {
    const traffic = new RecentTraffic(0);
    closers.push(() => traffic.close());
    channels.messageIn.publish({ connectionId: 'd', stage: 'dev', routeKey: 'x' });
    expect(traffic.of('d')).toEqual([]);
  });
});
