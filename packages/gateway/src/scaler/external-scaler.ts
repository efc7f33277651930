/**
 * KEDA's external scaler as a gRPC server: the `externalscaler.ExternalScaler` service of
 * `proto/externalscaler.proto` (IsActive, StreamIsActive, GetMetricSpec, GetMetrics), answered from
 * the gateway's Figures, so it is cluster-wide whenever the figures are. Loaded only when
 * `scaler.enabled` is set, so a gateway without it never loads gRPC.
 * @see docs/scaling.md "External scaler"
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Logger } from 'pino';
import { GatewayError, hasCode } from '../errors.js';
import type { Figures, StageFigures } from '../figures/figures.js';
import { parseScalerMetadata, type ScalerQuery } from './scaler-metadata.js';

/** Where the proto lives, from `src/scaler/` and from `dist/scaler/` alike. */
export const EXTERNAL_SCALER_PROTO = fileURLToPath(
  new URL('../../proto/externalscaler.proto', import.meta.url),
);

/** proto-loader options shared with the test client, so both sides see the same shapes. */
export const protoLoaderOptions: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  defaults: true,
  oneofs: true,
};

interface ScaledObjectRef {
  readonly name: string;
  readonly namespace: string;
  readonly scalerMetadata: Record<string, string>;
}
interface GetMetricsRequest {
  readonly scaledObjectRef: ScaledObjectRef | null;
  readonly metricName: string;
}

export interface ExternalScalerOptions {
  readonly figures: Figures;
  /** The stages a trigger may name. */
  readonly stages: readonly string[];
  readonly logger: Logger;
  /**
   * How often an open StreamIsActive re-reads the figures besides reacting to activity changes at
   * once; this catches message-rate thresholds and other nodes' changes. @default 1000
   */
  readonly streamPollMs?: number;
}

export class ExternalScalerServer {
  readonly #options: ExternalScalerOptions;
  readonly #server = new grpc.Server();
  readonly #streams = new Set<grpc.ServerWritableStream<ScaledObjectRef, { result: boolean }>>();
  #port: number | undefined;

  constructor(options: ExternalScalerOptions) {
    this.#options = options;
    const definition = protoLoader.loadSync(EXTERNAL_SCALER_PROTO, protoLoaderOptions);
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      externalscaler: { ExternalScaler: { service: grpc.ServiceDefinition } };
    };
    this.#server.addService(loaded.externalscaler.ExternalScaler.service, {
      IsActive: (
        call: grpc.ServerUnaryCall<ScaledObjectRef, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        this.#unary(callback, async () => ({ result: await this.#isActive(this.#query(call.request)) }));
      },
      StreamIsActive: (call: grpc.ServerWritableStream<ScaledObjectRef, { result: boolean }>) => {
        this.#stream(call);
      },
      GetMetricSpec: (
        call: grpc.ServerUnaryCall<ScaledObjectRef, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        this.#unary(callback, () => {
          const query = this.#query(call.request);
          return Promise.resolve({
            metricSpecs: [
              {
                metricName: query.metricName,
                targetSize: Math.ceil(query.target),
                targetSizeFloat: query.target,
              },
            ],
          });
        });
      },
      GetMetrics: (
        call: grpc.ServerUnaryCall<GetMetricsRequest, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        this.#unary(callback, async () => {
          const query = this.#query(
            call.request.scaledObjectRef ?? { name: '', namespace: '', scalerMetadata: {} },
          );
          assertServedMetric(call.request.metricName, query);
          const value = await this.#value(query);
          return {
            metricValues: [
              { metricName: query.metricName, metricValue: Math.ceil(value), metricValueFloat: value },
            ],
          };
        });
      },
    });
  }

  /** The bound port, once listening. */
  get port(): number | undefined {
    return this.#port;
  }

  /** Binds `host:port` (0 picks a free port) without TLS, as KEDA's `scalerAddress` expects by default. */
  async listen(port: number, host: string): Promise<number> {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    this.#port = await new Promise<number>((resolve, reject) => {
      this.#server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, bound) => {
        if (error === null) resolve(bound);
        else
          reject(
            new GatewayError(
              'SWB_ERR_LISTEN',
              `the scaler listener cannot bind ${address}: ${error.message}`,
              { cause: error },
            ),
          );
      });
    });
    return this.#port;
  }

  /** Ends every StreamIsActive stream and stops; calls still running after `graceMs` are cut. */
  async close(graceMs = 1000): Promise<void> {
    for (const call of this.#streams) call.end();
    this.#streams.clear();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, graceMs);
      this.#server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #query(ref: ScaledObjectRef): ScalerQuery {
    return parseScalerMetadata(ref.scalerMetadata, this.#options.stages);
  }

  async #value(query: ScalerQuery): Promise<number> {
    return valueOf(query, await this.#options.figures.read(query.stage));
  }

  /**
   * Active while the figure is above `activationTargetValue`. For `connections` with the default
   * activation of 0, a `$connect` attempt within the window counts too: a backend at zero that serves
   * `$connect` refuses the first client, and that attempt is what scales it up.
   */
  async #isActive(query: ScalerQuery): Promise<boolean> {
    const figures = await this.#options.figures.read(query.stage);
    if (valueOf(query, figures) > query.activationTarget) return true;
    return (
      query.metric === 'connections' && query.activationTarget === 0 && (figures.connectAttempts ?? 0) > 0
    );
  }

  #unary(callback: grpc.sendUnaryData<unknown>, answer: () => Promise<unknown>): void {
    let pending: Promise<unknown>;
    try {
      pending = answer();
    } catch (error) {
      callback(toServiceError(error));
      return;
    }
    pending.then(
      (response) => {
        callback(null, response);
      },
      (error: unknown) => {
        callback(toServiceError(error));
      },
    );
  }

  #stream(call: grpc.ServerWritableStream<ScaledObjectRef, { result: boolean }>): void {
    let query: ScalerQuery;
    try {
      query = this.#query(call.request);
    } catch (error) {
      // grpc-js turns an 'error' event on a server stream into the call's status; destroy() would
      // end it with none, and KEDA would see a stream cut without a reason.
      call.emit('error', toServiceError(error));
      return;
    }
    this.#streams.add(call);
    let last: boolean | undefined;
    let checking = false;
    let again = false;
    const check = (): void => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      this.#isActive(query).then(
        (active) => {
          checking = false;
          if (active !== last && this.#streams.has(call)) {
            last = active;
            call.write({ result: active });
          }
          if (again) {
            again = false;
            check();
          }
        },
        (error: unknown) => {
          checking = false;
          this.#options.logger.warn(
            { err: error, code: 'SWB_ERR_FIGURES_UNAVAILABLE' },
            'StreamIsActive could not read the figures',
          );
        },
      );
    };
    const stopListening = this.#options.figures.onActivityChange((change) => {
      if (query.stage === undefined || change.stage === query.stage) check();
    });
    const timer = setInterval(check, this.#options.streamPollMs ?? 1000);
    timer.unref();
    const stop = (): void => {
      this.#streams.delete(call);
      stopListening();
      clearInterval(timer);
    };
    call.on('cancelled', stop);
    call.on('close', stop);
    call.on('error', stop);
    check();
  }
}

function valueOf(query: ScalerQuery, figures: StageFigures): number {
  return query.metric === 'connections' ? figures.connections : figures.messagesPerSecond;
}

/**
 * GetMetrics names the metric KEDA wants: the `metricName` GetMetricSpec gave for the same
 * scalerMetadata (KEDA strips its `sN-` prefix before asking). Empty asks for that metric too; any
 * other name is one this scaler does not serve, answered NOT_FOUND rather than with another value.
 */
function assertServedMetric(requested: string, query: ScalerQuery): void {
  if (requested === '' || requested === query.metricName) return;
  throw new GatewayError(
    'SWB_ERR_SCALER_METRIC',
    `metric "${requested}" is not served for this scalerMetadata; GetMetricSpec named "${query.metricName}"`,
  );
}

function toServiceError(error: unknown): Partial<grpc.StatusObject> & Error {
  const code = hasCode(error, 'SWB_ERR_SCALER_METADATA')
    ? grpc.status.INVALID_ARGUMENT
    : hasCode(error, 'SWB_ERR_SCALER_METRIC')
      ? grpc.status.NOT_FOUND
      : grpc.status.UNAVAILABLE;
  const swbCode = error instanceof GatewayError ? error.code : 'SWB_ERR_FIGURES_UNAVAILABLE';
  const message = `${swbCode}: ${error instanceof Error ? error.message : String(error)}`;
  return Object.assign(new Error(message), { code, details: message });
}
