/**
 * The `upstream` settings of an HTTP integration: ejection and probing of failing upstreams, DNS
 * re-resolution (headless Services), keep-alive recycling and the safe retry of undelivered requests.
 * @see docs/backends.md
 */
import { z } from 'zod';

export const upstreamSchema = z
  .strictObject({
    ejectAfterFailures: z
      .int()
      .min(1)
      .default(3)
      .describe(
        'Consecutive failures (timeouts, resets after the request was written) that eject an upstream. Refused connections and draining 503s eject at once.',
      ),
    probeIntervalMs: z
      .int()
      .min(10)
      .default(1_000)
      .describe('How often an ejected upstream is probed; the first probe that succeeds brings it back.'),
    probePath: z
      .string()
      .regex(/^\//, 'must start with /')
      .optional()
      .describe(
        'Path probed with GET (2xx brings the upstream back), e.g. `/readyz`. Without it, a TCP connect is the probe.',
      ),
    dnsRefreshMs: z
      .int()
      .min(0)
      .default(5_000)
      .describe(
        'How often a hostname is re-resolved; every address it returns is an upstream (Kubernetes headless Services). 0 turns it off.',
      ),
    maxConnectionAgeMs: z
      .int()
      .min(0)
      .default(30_000)
      .describe(
        'Keep-alive connections older than this are recycled (finished, then replaced), so a new replica behind a Service gets traffic. 0 turns it off.',
      ),
    maxRequestsPerConnection: z
      .int()
      .min(0)
      .default(1_000)
      .describe('A keep-alive connection is closed after this many requests. 0 means no limit.'),
    maxConnections: z
      .int()
      .min(1)
      .default(1_024)
      .describe(
        'Most connections open at once to one upstream address; requests beyond wait for a free connection, within the integration timeout.',
      ),
    pipelining: z
      .int()
      .min(1)
      .max(128)
      .default(1)
      .describe(
        'Most requests in flight on one keep-alive connection (HTTP/1.1 pipelining; answers come back in order). 1 turns it off.',
      ),
    retry: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            'Retry a request that was never delivered (refused, reset before written, or a draining 503) within the integration timeout.',
          ),
        backoffMs: z
          .int()
          .min(1)
          .default(25)
          .describe('First wait before trying again once every upstream has been tried; doubles each time.'),
        maxBackoffMs: z.int().min(1).default(500).describe('Longest wait between attempts.'),
        budgetMs: z
          .int()
          .min(0)
          .default(0)
          .describe(
            'Longest time spent retrying an undelivered request; 0 means the whole integration timeout. A backend whose every replica refuses and none has answered for a whole integration timeout fails at once anyway; set this (e.g. 3000) to also fail sooner while a replica that answered lately restarts, at the cost of losing messages during longer restarts.',
          ),
      })
      .prefault({})
      .describe('Safe retry of undelivered requests.'),
  })
  .prefault({})
  .describe(
    'HTTP_PROXY upstream handling: ejection, probing, DNS re-resolution, keep-alive recycling and safe retry.',
  );

export type UpstreamConfig = z.output<typeof upstreamSchema>;
