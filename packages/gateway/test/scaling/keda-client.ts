/**
 * Test helper: a KEDA-like client of the external scaler, built from the proto the gateway ships,
 * calling the four RPCs the way KEDA's `external` and `external-push` scalers do.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { EXTERNAL_SCALER_PROTO, protoLoaderOptions } from '../../src/scaler/external-scaler.js';

export interface MetricSpec {
  metricName: string;
  targetSize: number;
  targetSizeFloat: number;
}
export interface MetricValue {
  metricName: string;
  metricValue: number;
  metricValueFloat: number;
}

type Unary<Req, Res> = (
  request: Req,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => void;
interface ScaledObjectRef {
  name: string;
  namespace: string;
  scalerMetadata: Record<string, string>;
}
interface RawClient extends grpc.Client {
  IsActive: Unary<ScaledObjectRef, { result: boolean }>;
  GetMetricSpec: Unary<ScaledObjectRef, { metricSpecs: MetricSpec[] }>;
  GetMetrics: Unary<
    { scaledObjectRef: ScaledObjectRef; metricName: string },
    { metricValues: MetricValue[] }
  >;
  StreamIsActive(request: ScaledObjectRef): grpc.ClientReadableStream<{ result: boolean }>;
}

export interface ActiveStream {
  /** The next pushed value (already received or still to come). */
  next(): Promise<boolean>;
  /** Resolves when the server ends the stream or it fails. */
  readonly ended: Promise<void>;
  /** The call's final status, as the server sent it (OK when it ended the stream normally). */
  readonly status: Promise<grpc.StatusObject>;
  cancel(): void;
}

export interface KedaClient {
  isActive(metadata: Record<string, string>): Promise<boolean>;
  getMetricSpec(metadata: Record<string, string>): Promise<MetricSpec[]>;
  getMetrics(metadata: Record<string, string>, metricName: string): Promise<MetricValue[]>;
  streamIsActive(metadata: Record<string, string>): ActiveStream;
  close(): void;
}

export function kedaClient(port: number): KedaClient {
  const definition = protoLoader.loadSync(EXTERNAL_SCALER_PROTO, protoLoaderOptions);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    externalscaler: {
      ExternalScaler: new (address: string, credentials: grpc.ChannelCredentials) => RawClient;
    };
  };
  const client = new loaded.externalscaler.ExternalScaler(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  const ref = (scalerMetadata: Record<string, string>): ScaledObjectRef => ({
    name: 'backend',
    namespace: 'default',
    scalerMetadata,
  });
  const call = <Req, Res>(method: Unary<Req, Res>, request: Req) =>
    new Promise<Res>((resolve, reject) => {
      method.call(client, request, (error, response) => {
        if (error === null) resolve(response);
        else reject(error);
      });
    });
  return {
    async isActive(metadata) {
      return (await call(client.IsActive, ref(metadata))).result;
    },
    async getMetricSpec(metadata) {
      return (await call(client.GetMetricSpec, ref(metadata))).metricSpecs;
    },
    async getMetrics(metadata, metricName) {
      return (await call(client.GetMetrics, { scaledObjectRef: ref(metadata), metricName })).metricValues;
    },
    streamIsActive(metadata) {
      const stream = client.StreamIsActive(ref(metadata));
      const received: boolean[] = [];
      const waiters: ((value: boolean) => void)[] = [];
      stream.on('data', (message: { result: boolean }) => {
        const waiter = waiters.shift();
        if (waiter === undefined) received.push(message.result);
        else waiter(message.result);
      });
      const ended = new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.on('error', () => resolve());
      });
      const status = new Promise<grpc.StatusObject>((resolve) => {
        stream.on('status', resolve);
      });
      return {
        status,
        next() {
          const ready = received.shift();
          if (ready !== undefined) return Promise.resolve(ready);
          return new Promise((resolve) => waiters.push(resolve));
        },
        ended,
        cancel() {
          stream.cancel();
        },
      };
    },
    close() {
      client.close();
    },
  };
}
