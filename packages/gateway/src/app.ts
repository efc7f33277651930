/**
 * buildGateway(config, deps): wires config, router, integrations, connection lifecycle, the client
 * listener and the admin listener into one gateway. It never listens: `main.ts` does.
 * `close()` drains (readiness 503, no new connections, clients closed with 1001 after the drain
 * window, `$disconnect` calls flushed); `destroy()` aborts.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { ConnectionRegistry } from './connections/registry.js';
import { TimerSweep } from './connections/timer-sweep.js';
import { GatewayError } from './errors.js';
import { ConnectionLifecycle, closeReasons } from './events/connection-lifecycle.js';
import type { GatewayContext, RouteTarget } from './events/gateway-context.js';
import { HttpProxyIntegration } from './integrations/http-proxy.js';
import type { ApiIdentity, Integration } from './integrations/integration-event.js';
import { BackendPools } from './integrations/pools.js';
import { createAdminServer, healthRoute, managementRoute } from './management/admin-server.js';
import { ManagementApi } from './management/management-api.js';
import { Router } from './routing/router.js';
import { createClientServer } from './transport/client-server.js';

export interface GatewayDeps {
  readonly logger: Logger;
}

export interface Gateway {
  /** The client WebSocket listener, not yet listening. */
  readonly clientServer: Server;
  /** The admin listener (management API, health), not yet listening. */
  readonly adminServer: Server;
  readonly registry: ConnectionRegistry;
  /** True from the start of `close()`. */
  readonly draining: boolean;
  /** Drains and stops. Safe to call more than once. */
  close(): Promise<void>;
  /** Stops at once: sockets are destroyed, no `$disconnect` is awaited. */
  destroy(): Promise<void>;
}

export function buildGateway(config: Config, deps: GatewayDeps): Gateway {
  const { logger } = deps;
  const registry = new ConnectionRegistry();
  const pools = new BackendPools();
  let clientPort = config.listen.port;
  let managementBase: string | undefined = config.admin.publicUrl?.replace(/\/+$/, '');

  const api: ApiIdentity = {
    apiId: config.api.apiId,
    domainName: config.api.domainName,
    region: config.api.region,
    get clientPort() {
      return clientPort;
    },
    clientProto: 'http',
  };
  // The schema has already compiled expressions and parameters, so construction cannot fail on them.
  const integrations = new Map<string, Integration>();
  for (const [name, integration] of Object.entries(config.integrations)) {
    integrations.set(name, new HttpProxyIntegration(integration, pools, { api, stageVariables: config.api.stageVariables, maxResponseBytes: config.limits.maxResponseBytes }));
  }
  const routes = new Map<string, RouteTarget>();
  for (const [key, route] of Object.entries(config.routes)) {
    const integration = integrations.get(route.integration);
    if (integration === undefined) throw new GatewayError('SWB_ERR_CONFIG_INVALID', `routes.${key}.integration: unknown integration "${route.integration}"`);
    routes.set(key, { key, integration, twoWay: route.twoWay });
  }
  const router = new Router(routes, config.api.routeSelectionExpression);

  const managementUrls = new Map<string, string>();
  const ctx: GatewayContext = {
    config,
    logger,
    registry,
    router,
    api,
    managementUrl(stage) {
      let url = managementUrls.get(stage);
      if (url === undefined) {
        url = `${managementBase ?? `http://127.0.0.1:${config.admin.port}`}/${stage}`;
        if (managementBase !== undefined) managementUrls.set(stage, url);
      }
      return url;
    },
  };

  const lifecycle = new ConnectionLifecycle(ctx);
  const client = createClientServer(ctx, lifecycle);
  client.server.on('listening', () => {
    clientPort = (client.server.address() as AddressInfo).port;
  });
  let draining = false;
  const state = {
    get draining() {
      return draining;
    },
  };
  const adminServer = createAdminServer([healthRoute(state), managementRoute(new ManagementApi({ registry, lifecycle, stages: config.api.stages }))]);
  adminServer.on('listening', () => {
    if (managementBase !== undefined) return;
    const address = adminServer.address() as AddressInfo;
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    managementBase = `http://${host}:${address.port}`;
  });

  const sweep = new TimerSweep(registry, config.timeouts, (connection, reason) => {
    logger.debug({ connectionId: connection.id, code: reason === 'idle' ? 'SWB_ERR_IDLE_TIMEOUT' : 'SWB_ERR_MAX_DURATION' }, 'closing an expired connection');
    lifecycle.close(connection, closeReasons.goingAway.code, closeReasons.goingAway.reason);
  });

  let closing: Promise<void> | undefined;

  async function drainAndStop(): Promise<void> {
    draining = true;
    client.stopAccepting();
    client.server.close();
    logger.info({ connections: registry.size, drainMs: config.shutdown.drainMs }, 'draining: no new connections; clients close after the drain window');
    if (registry.size > 0 && config.shutdown.drainMs > 0) await delay(config.shutdown.drainMs);
    for (const connection of registry.values()) lifecycle.close(connection, closeReasons.goingAway.code, closeReasons.goingAway.reason);
    const deadline = Date.now() + config.shutdown.disconnectFlushMs;
    if (!(await within(registry.whenEmpty(), deadline))) {
      logger.warn({ connections: registry.size }, 'clients did not finish the closing handshake in time: terminating them');
      for (const connection of registry.values()) connection.socket.terminate();
      // A destroyed socket reports its close on the next turns of the event loop.
      await within(registry.whenEmpty(), Date.now() + 1000);
    }
    await within(Promise.all([lifecycle.idle(), client.handshakesSettled()]).then(() => undefined), deadline);
    const flushed = await lifecycle.disconnects.flush(Math.max(0, deadline - Date.now()));
    if (!flushed) logger.warn({ pending: lifecycle.disconnects.pending }, 'some $disconnect calls were still pending at shutdown');
    await stopServers();
    logger.info('gateway stopped');
  }

  async function stopServers(): Promise<void> {
    sweep.close();
    const adminClosed = new Promise<void>((resolve) => adminServer.close(() => resolve()));
    adminServer.closeAllConnections();
    client.server.closeAllConnections();
    await Promise.all([adminClosed, pools.close()]);
  }

  return {
    clientServer: client.server,
    adminServer,
    registry,
    get draining() {
      return draining;
    },
    close() {
      closing ??= drainAndStop();
      return closing;
    },
    async destroy() {
      draining = true;
      client.stopAccepting();
      if (client.server.listening) client.server.close();
      for (const connection of registry.values()) connection.socket.terminate();
      if (adminServer.listening) await stopServers();
      else await pools.close();
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for `promise` until the epoch-ms `deadline`; true when it settled in time. */
async function within(promise: Promise<void>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), false)));
  const result = await Promise.race([promise.then(() => true as const), timeout]);
  clearTimeout(timer);
  return result;
}
