/**
 * Everything that turns the gateway's activity into autoscaling signals, built in one place for
 * app.ts: the node's figures, the Prometheus metrics and metrics-api routes for the admin listener,
 * and the (lazily loaded) KEDA external scaler.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { ConnectionRegistry } from '../connections/registry.js';
import type { QueueFigures } from '../backpressure/queue-budget.js';
import type { Figures } from '../figures/figures.js';
import { LocalFigures } from '../figures/local-figures.js';
import type { AdminRoute } from '../management/admin-server.js';
import { ScalerListener } from '../scaler/scaler-listener.js';
import { metricsRoute, scalingFiguresRoute } from './metrics-routes.js';
import { PrometheusMetrics } from './prometheus-metrics.js';

export interface ScalingSignalsOptions {
  readonly config: Config;
  readonly registry: ConnectionRegistry;
  readonly logger: Logger;
  /**
   * The figures KEDA reads (external scaler, `/scaling/figures`). Cluster mode passes its
   * cluster-wide figures here. @default this node's LocalFigures
   */
  readonly figures?: Figures;
  /** The node's dispatch queue figures, for the queued-bytes gauge and the dropped-messages counter. */
  readonly queue?: QueueFigures;
}

export interface ScalingSignals {
  /** This node's own figures; the Prometheus gauges always read these (Prometheus sums nodes itself). */
  readonly localFigures: LocalFigures;
  /** What the scaler and the metrics-api endpoint read: local, or cluster-wide when given. */
  readonly figures: Figures;
  /** `GET /metrics` and `GET /scaling/figures`, or none when `metrics.enabled` is false. */
  readonly adminRoutes: readonly AdminRoute[];
  /** The external scaler; main.ts starts it when `scaler.enabled`. */
  readonly scaler: ScalerListener;
  /** Stops the scaler and unsubscribes the metrics and local figures (figures given in the options are closed by their owner). */
  close(): Promise<void>;
}

export function createScalingSignals(options: ScalingSignalsOptions): ScalingSignals {
  const { config, registry, logger } = options;
  const localFigures = new LocalFigures(registry, {
    stages: config.api.stages,
    windowMs: config.scaler.windowMs,
  });
  const figures = options.figures ?? localFigures;
  const metrics = config.metrics.enabled ? new PrometheusMetrics(localFigures, options.queue) : undefined;
  const scaler = new ScalerListener(figures, config.api.stages, logger);
  return {
    localFigures,
    figures,
    adminRoutes: metrics === undefined ? [] : [metricsRoute(metrics), scalingFiguresRoute(figures)],
    scaler,
    async close() {
      metrics?.close();
      await scaler.close();
      localFigures.close();
    },
  };
}
