// Unit tests: the cluster section's defaults and its cross-field checks.
import { describe, expect, it } from 'vitest';
import { clusterSchema } from './cluster.js';

describe('cluster config', () => {
  it('defaults to one process on the embedded bus with a 15 s lease', () => {
    const cluster = clusterSchema.parse(undefined);
    expect(cluster).toMatchObject({ bus: 'embedded', workers: 1, leaseMs: 15_000 });
  });

  it('refuses a heartbeat slower than the lease, and accepts workers on any bus', () => {
    expect(clusterSchema.parse({ workers: 4 }).workers).toBe(4);
    const heartbeat = clusterSchema.safeParse({ heartbeatMs: 5000, leaseMs: 1000 });
    expect(heartbeat.error?.issues[0]?.path).toEqual(['heartbeatMs']);
    expect(clusterSchema.parse({ bus: 'redis', workers: 4 }).workers).toBe(4);
  });

  it('refuses a lease shorter than 3 heartbeats, which would leave no room to self-fence', () => {
    const tight = clusterSchema.safeParse({ heartbeatMs: 1000, leaseMs: 2999 });
    expect(tight.success).toBe(false);
    expect(tight.error?.issues[0]?.path).toEqual(['heartbeatMs']);
    expect(tight.error?.issues[0]?.message).toMatch(/at most a third of leaseMs/);
    expect(clusterSchema.parse({ heartbeatMs: 1000, leaseMs: 3000 }).leaseMs).toBe(3000);
  });
});
