/**
 * The gateway's Prometheus metrics, fed by the `node:diagnostics_channel` channels of
 * `diagnostics.ts`: counters and a latency histogram, plus gauges read from the node's figures when
 * scraped, rendered by a prom-client Registry. Names mirror CloudWatch's API Gateway metrics in Prometheus style. The core never
 * imports this module's dependency; it only publishes events.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Counter, Gauge, Registry } from 'prom-client';
import { channels } from '../diagnostics.js';
import type { StageFigures } from '../figures/figures.js';
import type { QueueFigures } from '../backpressure/queue-budget.js';
import { CounterFamily, HistogramFamily } from './metric-families.js';

/** The node-local figures the gauges read at scrape time. */
export interface NodeFiguresSource {
  readAllNow(): readonly StageFigures[];
}

/** Integration latency buckets, in seconds: 1 ms to 30 s (AWS's 29 s integration limit). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface MessageEvent {
  readonly stage: string;
  readonly routeKey: string;
}
interface MessageOutEvent {
  readonly stage: string;
  readonly source: string;
}
interface IntegrationResponseEvent {
  readonly routeKey: string;
  readonly stage: string;
  readonly status: number;
  readonly latencyMs: number;
}
interface IntegrationErrorEvent {
  readonly routeKey: string;
  readonly stage: string;
  readonly code: string;
  readonly latencyMs: number;
}
interface StageCodeEvent {
  readonly stage: string;
  readonly code?: string;
}
interface UpstreamEvent {
  readonly integration?: string;
}

export class PrometheusMetrics {
  /** The prom-client registry of this gateway (not the global default one). */
  readonly registry = new Registry();
  readonly #subscriptions: [name: string | symbol, handler: (message: unknown) => void][] = [];
  #closed = false;

  constructor(figures: NodeFiguresSource, queue?: QueueFigures) {
    const registers = [this.registry];
    // Per-message and per-connection metrics count in plain numbers (metric-families.ts); the rare
    // ones below use prom-client's own counters.
    const connectCount = new CounterFamily(
      this.registry,
      'switchboard_connect_count_total',
      '$connect requests (CloudWatch ConnectCount), accepted or not.',
    );
    const messageCount = new CounterFamily(
      this.registry,
      'switchboard_message_count_total',
      'Messages from clients (direction="in", by route) and to clients (direction="out", by source: reply, push, error) (CloudWatch MessageCount).',
    );
    const integrationError = new Counter({
      name: 'switchboard_integration_error_total',
      help: 'Integration answers with a 4XX or 5XX status (CloudWatch IntegrationError).',
      labelNames: ['stage', 'route', 'status'],
      registers,
    });
    const executionError = new Counter({
      name: 'switchboard_execution_error_total',
      help: 'Integration calls that failed without an answer: timeout, refused, bad response (CloudWatch ExecutionError).',
      labelNames: ['stage', 'route', 'code'],
      registers,
    });
    const clientError = new Counter({
      name: 'switchboard_client_error_total',
      help: 'Requests refused by the gateway before any integration was called (CloudWatch ClientError).',
      labelNames: ['stage', 'code'],
      registers,
    });
    const latency = new HistogramFamily(
      this.registry,
      'switchboard_integration_latency_seconds',
      'Time from sending a request to the integration to its answer or failure (CloudWatch IntegrationLatency).',
      LATENCY_BUCKETS,
    );
    const retries = new Counter({
      name: 'switchboard_upstream_retries_total',
      help: 'Backend calls retried by the upstream pool.',
      labelNames: ['integration'],
      registers,
    });
    const ejections = new Counter({
      name: 'switchboard_upstream_ejections_total',
      help: 'Backend origins ejected from their pool.',
      labelNames: ['integration'],
      registers,
    });
    const returns = new Counter({
      name: 'switchboard_upstream_returns_total',
      help: 'Ejected backend origins back in rotation after a successful probe.',
      labelNames: ['integration'],
      registers,
    });
    new Gauge({
      name: 'switchboard_open_connections',
      help: 'Open client connections on this node, by stage.',
      labelNames: ['stage'],
      registers,
      collect() {
        for (const stage of figures.readAllNow()) this.set({ stage: stage.stage }, stage.connections);
      },
    });
    new Gauge({
      name: 'switchboard_messages_per_second',
      help: 'Client messages per second on this node, by stage, averaged over scaler.windowMs.',
      labelNames: ['stage'],
      registers,
      collect() {
        for (const stage of figures.readAllNow()) this.set({ stage: stage.stage }, stage.messagesPerSecond);
      },
    });
    if (queue !== undefined) {
      new Gauge({
        name: 'switchboard_dispatch_queued_bytes',
        help: 'Payload bytes of client messages waiting in dispatch queues on this node (bounded by dispatch.maxQueuedBytesTotal).',
        registers,
        collect() {
          this.set(queue.queuedBytes);
        },
      });
      new Counter({
        name: 'switchboard_dispatch_dropped_messages_total',
        help: 'Queued messages of closed clients dropped because open connections needed the dispatch.maxQueuedBytesTotal budget.',
        registers,
        collect() {
          this.reset();
          this.inc(queue.droppedMessages);
        },
      });
    }

    const connects = connectCount.cache((stage) => ({ stage }));
    const messagesIn = messageCount.cache((stage, route) => ({
      stage,
      direction: 'in',
      route,
      source: 'client',
    }));
    const messagesOut = messageCount.cache((stage, source) => ({
      stage,
      direction: 'out',
      route: '',
      source,
    }));
    const latencies = latency.cache((stage, route) => ({ stage, route }));

    this.#on(channels.connectRequest.name, (message) => {
      const event = message as StageCodeEvent;
      connects.get(event.stage).value++;
    });
    this.#on(channels.messageIn.name, (message) => {
      const event = message as MessageEvent;
      messagesIn.get(event.stage, event.routeKey).value++;
    });
    this.#on(channels.messageOut.name, (message) => {
      const event = message as MessageOutEvent;
      messagesOut.get(event.stage, event.source).value++;
    });
    this.#on(channels.integrationResponse.name, (message) => {
      const event = message as IntegrationResponseEvent;
      latency.observe(latencies.get(event.stage, event.routeKey), event.latencyMs / 1000);
      if (event.status >= 400)
        integrationError.labels(event.stage, event.routeKey, String(event.status)).inc();
    });
    this.#on(channels.integrationError.name, (message) => {
      const event = message as IntegrationErrorEvent;
      latency.observe(latencies.get(event.stage, event.routeKey), event.latencyMs / 1000);
      executionError.labels(event.stage, event.routeKey, event.code).inc();
    });
    this.#on(channels.clientError.name, (message) => {
      const event = message as StageCodeEvent;
      clientError.labels(event.stage, event.code ?? 'unknown').inc();
    });
    this.#on(channels.upstreamRetry.name, (message) => {
      const event = message as UpstreamEvent;
      retries.labels(event.integration ?? 'unknown').inc();
    });
    this.#on(channels.upstreamEjection.name, (message) => {
      const event = message as UpstreamEvent;
      ejections.labels(event.integration ?? 'unknown').inc();
    });
    this.#on(channels.upstreamReturn.name, (message) => {
      const event = message as UpstreamEvent;
      returns.labels(event.integration ?? 'unknown').inc();
    });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Unsubscribes from every channel. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [name, handler] of this.#subscriptions) unsubscribe(name, handler);
  }

  #on(name: string | symbol, handler: (message: unknown) => void): void {
    subscribe(name, handler);
    this.#subscriptions.push([name, handler]);
  }
}
