/**
 * The `cluster` section of the configuration: which bus joins the gateway nodes (embedded, Redis or
 * NATS), node identity, heartbeat and lease timings, the owner timeout, and worker processes.
 * @see docs/architecture.md "Cluster mode"
 */
import { z } from 'zod';

export const clusterSchema = z
  .strictObject({
    bus: z
      .enum(['embedded', 'redis', 'nats'])
      .default('embedded')
      .describe(
        'Cluster bus: `embedded` (one process, or its `workers` through the primary; no external service), `redis` (pub/sub) or `nats` (request/reply). Nodes that share a Redis or NATS and a `prefix` form one cluster.',
      ),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .default('switchboard')
      .describe('Prefix of every Redis channel or NATS subject, so several clusters can share one server.'),
    redis: z
      .strictObject({
        url: z
          .string()
          .min(1)
          .default('redis://127.0.0.1:6379')
          .describe('Redis URL, `redis://[user:password@]host:port[/db]`.'),
      })
      .prefault({})
      .describe('Redis bus settings (used when `bus` is `redis`).'),
    nats: z
      .strictObject({
        servers: z
          .array(z.string().min(1))
          .min(1)
          .default(['nats://127.0.0.1:4222'])
          .describe('NATS server URLs.'),
      })
      .prefault({})
      .describe('NATS bus settings (used when `bus` is `nats`).'),
    nodeId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/)
      .optional()
      .describe('Name of this node in logs and cluster figures; default `HOSTNAME-PID`.'),
    heartbeatMs: z
      .int()
      .min(50)
      .default(2_000)
      .describe('How often a node announces itself (with its figures) on the bus.'),
    leaseMs: z
      .int()
      .min(100)
      .default(15_000)
      .describe(
        'A node not heard from for this long is dead: its connections answer 410 on every node. Bounds how long a crashed node’s connections can answer 503 or 504. A node that has not heard its own heartbeat back for `leaseMs - heartbeatMs` (bus cut off, process paused) closes its clients first (self-fencing); at least 3 × `heartbeatMs`.',
      ),
    ownerTimeoutMs: z
      .int()
      .min(10)
      .default(3_000)
      .describe('Longest wait for the owning node to answer a cross-node management call before 504.'),
    reconnectMs: z
      .int()
      .min(10)
      .default(500)
      .describe('Wait between attempts to reconnect to Redis or NATS after an outage.'),
    workers: z
      .int()
      .min(1)
      .max(256)
      .default(1)
      .describe(
        'Gateway worker processes sharing the client and admin ports (node:cluster), read by the `switchboard` CLI. With `bus: embedded` the workers talk through the primary process (IPC); with redis or nats they join that cluster.',
      ),
  })
  // A node fences itself after leaseMs - heartbeatMs without its own heartbeat back: that window must
  // span at least two heartbeats, or one late heartbeat would close every client of a healthy node.
  .refine((cluster) => cluster.heartbeatMs * 3 <= cluster.leaseMs, {
    error:
      'heartbeatMs must be at most a third of leaseMs: a node closes its clients after leaseMs - heartbeatMs without its heartbeat coming back over the bus, and that window must span at least two heartbeats',
    path: ['heartbeatMs'],
  })
  .prefault({})
  .describe(
    'Cluster mode: several gateway nodes (or worker processes) joined by one bus, so a management call works on any node.',
  );

export type ClusterConfig = z.output<typeof clusterSchema>;
