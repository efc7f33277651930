/**
 * The `scaler` and `metrics` sections of the configuration schema: the KEDA external scaler's gRPC
 * listener, the sliding window of the message rate, and the Prometheus endpoint.
 */
import { z } from 'zod';

export const scalerSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe('Serve the KEDA external scaler (gRPC `externalscaler.ExternalScaler`).'),
    host: z
      .string()
      .min(1)
      .default('0.0.0.0')
      .describe('Interface the scaler listener binds to; KEDA calls it from another pod.'),
    port: z
      .int()
      .min(0)
      .max(65_535)
      .default(6000)
      .describe('TCP port of the scaler listener; 0 picks a free port.'),
    windowMs: z
      .int()
      .min(1000)
      .max(3_600_000)
      .default(60_000)
      .describe(
        'Sliding window the message rate (messages per second) is averaged over, for the scaler, the metrics-api endpoint and `/metrics`.',
      ),
  })
  .prefault({})
  .describe('Autoscaling signals for KEDA: external scaler and message-rate window.');

export const metricsSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Serve Prometheus metrics at `GET /metrics` and the KEDA metrics-api JSON at `GET /scaling/figures` on the admin listener.',
      ),
  })
  .prefault({})
  .describe('Prometheus metrics and the KEDA metrics-api endpoint.');
