/**
 * Running a gateway as a process: `startGateway` builds it and binds both listeners;
 * `onShutdownSignal` turns SIGTERM/SIGINT into one graceful `close()`, and a second signal into an
 * immediate exit. The CLI composes these; nothing else in the gateway listens or handles signals.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { buildGateway, type Gateway } from './app.js';
import type { Config } from './config/schema.js';
import { createClusterBus } from './cluster/create-bus.js';
import { createConfiguredTables } from './dynamodb/create-tables.js';
import { GatewayError } from './errors.js';

export interface RunningGateway {
  readonly gateway: Gateway;
  /** `ws://host:port/{defaultStage}` (`wss://` with TLS on the client listener) */
  readonly clientUrl: string;
  /** `http://host:port` of the admin listener (`https://` with TLS on it). */
  readonly adminUrl: string;
  /** `http://host:port/{defaultStage}`: the endpoint to give an AWS SDK management client. */
  readonly managementEndpoint: string;
  readonly clientPort: number;
  readonly adminPort: number;
  /** The KEDA external scaler's gRPC port, when `scaler.enabled`. */
  readonly scalerPort: number | undefined;
}

export async function startGateway(config: Config, logger: Logger): Promise<RunningGateway> {
  const clusterBus = await createClusterBus(config.cluster);
  const gateway = buildGateway(config, { logger, env: process.env, clusterBus });
  try {
    await gateway.whenReady();
    // The tables local functions use exist before the first client can connect.
    await createConfiguredTables(config, process.env, logger);
    await listen(gateway.adminServer, config.admin.port, config.admin.host, 'admin');
    await listen(gateway.clientServer, config.listen.port, config.listen.host, 'client');
    if (config.scaler.enabled) await gateway.scaler.listen(config.scaler.port, config.scaler.host);
  } catch (error) {
    await gateway.destroy();
    throw error;
  }
  const clientPort = (gateway.clientServer.address() as AddressInfo).port;
  const adminPort = (gateway.adminServer.address() as AddressInfo).port;
  const stage = config.api.defaultStage ?? config.api.stages[0] ?? 'dev';
  const clientHost = displayHost(config.listen.host);
  const adminUrl = config.admin.publicUrl?.replace(/\/+$/, '') ?? `${tlsOn(config, 'admin') ? 'https' : 'http'}://${displayHost(config.admin.host)}:${adminPort}`;
  return {
    gateway,
    clientUrl: `${tlsOn(config, 'client') ? 'wss' : 'ws'}://${clientHost}:${clientPort}/${stage}`,
    adminUrl,
    managementEndpoint: `${adminUrl}/${stage}`,
    clientPort,
    adminPort,
    scalerPort: gateway.scaler.port,
  };
}

/**
 * Calls `shutdown` once on the first SIGTERM or SIGINT, then exits 0 (1 if it failed).
 * A second signal exits 1 at once.
 */
export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down gracefully');
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/** True when `tls` gives `listener` a certificate. */
function tlsOn(config: Config, listener: 'client' | 'admin'): boolean {
  return config.tls.certFile !== undefined && (config.tls.listeners === 'both' || config.tls.listeners === listener);
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

async function listen(server: Server, port: number, host: string, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'the port is in use' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(new GatewayError('SWB_ERR_LISTEN', `the ${what} listener cannot bind ${host}:${port}: ${reason}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
