/**
 * `backpressure`: how much the gateway buffers for a client that does not read. Above the high-water
 * mark a push is refused with 429; above the hard limit the connection is closed with 1013.
 */
import { z } from 'zod';

export const backpressureSchema = z
  .strictObject({
    highWaterBytes: z
      .int()
      .min(1)
      .default(262_144)
      .describe(
        "Bytes queued for one client (its socket's send buffer, not yet taken by the kernel) from which `POST @connections/{id}` answers 429 LimitExceededException (SWB_ERR_SEND_BUFFER_FULL), as AWS does when the client-side buffer is full. Nothing is sent; retry later.",
      ),
    maxBufferedBytes: z
      .int()
      .min(1)
      .default(1_048_576)
      .describe(
        'Bytes queued for one client above which the connection is closed with 1013 Try Again Later (SWB_ERR_SLOW_CONSUMER), checked after every frame sent to it (push, reply or error frame). Bounds the memory a stalled client can hold to this plus one frame.',
      ),
  })
  .prefault({})
  .superRefine((settings, ctx) => {
    if (settings.highWaterBytes > settings.maxBufferedBytes) ctx.addIssue({ code: 'custom', path: ['highWaterBytes'], message: 'must not exceed backpressure.maxBufferedBytes' });
  })
  .describe('Slow consumers: send-buffer limits per connection (docs/security.md).');

export type BackpressureConfig = z.output<typeof backpressureSchema>;
