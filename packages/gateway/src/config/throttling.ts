/**
 * The `throttling` section: token buckets for new connections (with a per-IP share) and for client
 * messages (the stage default and per route, as AWS's DefaultRouteSettings/RouteSettings
 * ThrottlingRateLimit and ThrottlingBurstLimit). 0 turns a bucket off.
 */
import { z } from 'zod';

export const bucketSchema = z.strictObject({
  rateLimit: z
    .number()
    .min(0)
    .default(0)
    .describe('Steady rate, per second (ThrottlingRateLimit); 0 turns the bucket off.'),
  burstLimit: z
    .int()
    .min(0)
    .default(0)
    .describe('Bucket size (ThrottlingBurstLimit): how many may pass at once; 0 means the rate rounded up.'),
});

export const throttlingSchema = z
  .strictObject({
    connectionsPerSecond: z
      .number()
      .min(0)
      .default(500)
      .describe(
        'New connections per second over the whole gateway; over the limit the upgrade gets 429. 0 turns it off. AWS: 500.',
      ),
    connectionBurst: z
      .int()
      .min(0)
      .default(500)
      .describe('New connections that may arrive at once before `connectionsPerSecond` applies.'),
    connectionsPerSecondPerIp: z
      .number()
      .min(0)
      .optional()
      .describe(
        "Each client IP address's share of the new-connection rate. Within its share an address may use the whole bucket; over it, only the part of the bucket above `connectionBurstPerIp` tokens, which is kept for addresses within their share. So one address opening connections fast cannot lock the others out, and a lone address (or a load balancer) still gets the whole rate. Default: a tenth of `connectionsPerSecond`. 0 turns the share off (one bucket for all).",
      ),
    connectionBurstPerIp: z
      .int()
      .min(0)
      .optional()
      .describe(
        "Each client IP address's share of `connectionBurst`, and the tokens of the global bucket kept for addresses within their share. Default: a tenth of `connectionBurst`, rounded down. 0 turns the share off.",
      ),
    messages: bucketSchema
      .prefault({})
      .describe(
        'Stage default for client messages per second, per stage (DefaultRouteSettings); a throttled message gets the `Too Many Requests` frame.',
      ),
    routes: z
      .record(z.string().min(1), bucketSchema)
      .default({})
      .describe(
        'Per-route message buckets by route key (RouteSettings), per stage, replacing the stage default for that route.',
      ),
  })
  .prefault({})
  .describe('Throttling (token buckets).');

export type ThrottlingConfig = z.output<typeof throttlingSchema>;
