/**
 * `dispatch`: how client messages wait for and reach their backend. Per connection, messages beyond
 * the concurrency wait in a queue bounded by count and by bytes; across the node, all queues share
 * one byte budget. A full queue or budget pauses reading from the socket: backpressure, not loss.
 */
import { z } from 'zod';

export const dispatchSchema = z
  .strictObject({
    concurrency: z.int().min(1).default(1).describe("Messages of one connection in flight to the backend at once; 1 keeps the client's replies in order."),
    maxQueued: z.int().min(1).default(64).describe('Messages queued per connection before the gateway stops reading from that socket (lossless backpressure).'),
    maxQueuedBytes: z
      .int()
      .min(1)
      .default(1_048_576)
      .describe('Payload bytes queued per connection before the gateway stops reading from that socket, as for `maxQueued` (lossless backpressure); reading resumes below half of both.'),
    maxQueuedBytesTotal: z
      .int()
      .min(1)
      .default(67_108_864)
      .describe(
        "Payload bytes queued across all connections of the process, closed ones included, before reading pauses on every connection that queues more; it resumes once the total is back to half. When the budget is full, the queues of clients that already closed are dropped first (SWB_ERR_QUEUE_DROPPED). Bounds the gateway's memory for a slow backend.",
      ),
  })
  .prefault({})
  .superRefine((settings, ctx) => {
    if (settings.maxQueuedBytes > settings.maxQueuedBytesTotal) ctx.addIssue({ code: 'custom', path: ['maxQueuedBytes'], message: 'must not exceed dispatch.maxQueuedBytesTotal' });
  })
  .describe('Message dispatch to backends.');

export type DispatchConfig = z.output<typeof dispatchSchema>;
