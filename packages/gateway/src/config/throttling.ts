/**
 * The `throttling` section: token buckets for new connections and for client messages (the stage
 * default and per route, as AWS's DefaultRouteSettings/RouteSettings ThrottlingRateLimit and
 * ThrottlingBurstLimit). 0 turns a bucket off.
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
