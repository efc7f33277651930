/**
 * Admin routes for the autoscaling signals: `GET /metrics` (Prometheus exposition) and
 * `GET /scaling/figures` (the JSON KEDA's metrics-api scaler reads with `valueLocation`). Both are
 * unauthenticated, like a Prometheus scrape target: they reveal counts, never connection ids or data.
 */
import type { Figures, StageFigures } from '../figures/figures.js';
import type { AdminRoute } from '../management/admin-server.js';
import { sendError, sendJson } from '../management/responses.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';

/** `GET /metrics`. */
export function metricsRoute(metrics: PrometheusMetrics): AdminRoute {
  return {
    name: 'metrics',
    authenticated: false,
    matches: (request, url) => request.method === 'GET' && url.path === '/metrics',
    handle(_request, response) {
      metrics.render().then(
        ({ contentType, body }) => {
          response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
          response.end(body);
        },
        () => {
          sendError(
            response,
            500,
            'InternalServerErrorException',
            'SWB_ERR_INTERNAL',
            'metrics could not be collected',
          );
        },
      );
    },
  };
}

/** The body of `GET /scaling/figures`; KEDA reads one number from it through `valueLocation`. */
export interface ScalingFiguresBody {
  readonly scope: 'node' | 'cluster';
  readonly windowMs: number;
  /** Open connections over every stage. `valueLocation: connections` */
  readonly connections: number;
  /** Client messages per second over every stage. `valueLocation: messagesPerSecond` */
  readonly messagesPerSecond: number;
  /** `$connect` requests within the window, accepted or refused, over every stage. */
  readonly connectAttempts: number;
  /** The same figures per stage. `valueLocation: stages.dev.connections` */
  readonly stages: Record<string, StageBody>;
}

interface StageBody {
  readonly connections: number;
  readonly messagesPerSecond: number;
  readonly connectAttempts: number;
}

/** `GET /scaling/figures`: cluster-wide when `figures` is. */
export function scalingFiguresRoute(figures: Figures): AdminRoute {
  return {
    name: 'scaling-figures',
    authenticated: false,
    matches: (request, url) => request.method === 'GET' && url.path === '/scaling/figures',
    handle(_request, response) {
      Promise.all([figures.read(), figures.readAll()]).then(
        ([total, perStage]) => {
          sendJson(response, 200, scalingFiguresBody(figures, total, perStage));
        },
        () => {
          sendError(
            response,
            503,
            'ServiceUnavailableException',
            'SWB_ERR_FIGURES_UNAVAILABLE',
            'the scaling figures could not be read',
          );
        },
      );
    },
  };
}

function scalingFiguresBody(
  figures: Figures,
  total: StageFigures,
  perStage: readonly StageFigures[],
): ScalingFiguresBody {
  const stages: Record<string, StageBody> = {};
  for (const stage of perStage) {
    stages[stage.stage] = {
      connections: stage.connections,
      messagesPerSecond: stage.messagesPerSecond,
      connectAttempts: stage.connectAttempts ?? 0,
    };
  }
  return {
    scope: figures.scope,
    windowMs: figures.windowMs,
    connections: total.connections,
    messagesPerSecond: total.messagesPerSecond,
    connectAttempts: total.connectAttempts ?? 0,
    stages,
  };
}
