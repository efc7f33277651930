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
import { createEdgeFeatures } from './edge/edge-features.js';
import { listenerFactory, loadListenerTls } from './tls/tls-listener.js';
import { hostname } from 'node:os';
import type { ClusterBus } from './cluster/cluster-bus.js';
import { ClusterFigures } from './cluster/cluster-figures.js';
import { ClusterNode } from './cluster/cluster-node.js';
import { EmbeddedBus } from './cluster/embedded/embedded-bus.js';
import { GroupIndex } from './cluster/group-index.js';
import { LocalDelivery } from './cluster/local-delivery.js';
import { newNodeTag, TaggedIds } from './cluster/node-tag.js';
import { SelfFence } from './cluster/self-fence.js';
import { ConnectionRegistry } from './connections/registry.js';
import { TimerSweep } from './connections/timer-sweep.js';
import { GatewayError } from './errors.js';
import type { Figures } from './figures/figures.js';
import { createScalingSignals } from './metrics/scaling-signals.js';
import type { ScalerListener } from './scaler/scaler-listener.js';
import { ConnectionLifecycle, closeReasons } from './events/connection-lifecycle.js';
import { QueueBudget, type QueueFigures } from './backpressure/queue-budget.js';
import type { GatewayContext, RouteTarget } from './events/gateway-context.js';
import { IntegrationFactory } from './integrations/integration-factory.js';
import type { ApiIdentity, Integration } from './integrations/integration-event.js';
import { BackendPools } from './integrations/pools.js';
import { adminRequestHandler, createAdminServer, healthRoute, managementRoute } from './management/admin-server.js';
import { groupsRoute } from './management/groups-route.js';
import { createDashboard } from './dashboard/dashboard-routes.js';
import { parseManagementPath } from './management/management-path.js';
import { ManagementApi } from './management/management-api.js';
import { Router } from './routing/router.js';
import { createClientServer } from './transport/client-server.js';
import { assertAdminNotExposed } from './security/admin-exposure.js';
import { withBrowserDefence } from './security/admin-browser-guard.js';
import type { IpConnectionLimiter } from './security/ip-connection-limiter.js';

export interface GatewayDeps {
  readonly logger: Logger;
  /**
   * The cluster bus, connected (`createClusterBus(config.cluster)`; `startGateway` does this).
   * @default a private embedded bus, allowed only when `cluster.bus` is `embedded`
   */
  readonly clusterBus?: ClusterBus;
  /** The host environment: its `AWS_*` variables (credentials, `AWS_ENDPOINT_URL_DYNAMODB`, …) reach local Lambda functions. @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface Gateway {
  /** The client WebSocket listener, not yet listening. */
  readonly clientServer: Server;
  /** Slots held per client IP address by the client listener's TCP connections (`security.maxConnectionsPerIp`). */
  readonly connectionsPerIp: IpConnectionLimiter;
  /** The admin listener (management API, health), not yet listening. */
  readonly adminServer: Server;
  readonly registry: ConnectionRegistry;
  /** Open connections and message rate per stage, as the autoscaling signals read them (node-wide here; cluster-wide in cluster mode). */
  readonly figures: Figures;
  /** Client messages waiting in dispatch queues on this node (`dispatch.maxQueuedBytesTotal`). */
  readonly dispatchQueue: QueueFigures;
  /** This node in the cluster (a cluster of one with the embedded bus). */
  readonly cluster: ClusterNode;
  /** Resolves once the node serves its cluster address and announced itself; call before listening. */
  whenReady(): Promise<void>;
  /** The KEDA external scaler (gRPC), not yet listening; `main.ts` starts it when `scaler.enabled`. */
  readonly scaler: ScalerListener;
  /** True from the start of `close()`. */
  readonly draining: boolean;
  /** Drains and stops. Safe to call more than once. */
  close(): Promise<void>;
  /** Stops at once: sockets are destroyed, no `$disconnect` is awaited. */
  destroy(): Promise<void>;
}

export function buildGateway(config: Config, deps: GatewayDeps): Gateway {
  const { logger } = deps;
  assertAdminNotExposed(config);
  // TLS material and the edge features first: they are what can fail on a bad configuration, before anything subscribes or listens.
  let clientPort = config.listen.port;
  let managementBase: string | undefined = config.admin.publicUrl?.replace(/\/+$/, '');
  const listenerTls = loadListenerTls(config.tls);
  const adminScheme = listenerTls.admin === undefined ? 'http' : 'https';

  const api: ApiIdentity = {
    apiId: config.api.apiId,
    domainName: config.api.domainName,
    region: config.api.region,
    get clientPort() {
      return clientPort;
    },
    clientProto: listenerTls.client === undefined ? 'http' : 'https',
  };
  const pools = new BackendPools(logger);
  // One Lambda runner serves AWS_PROXY functions and Lambda authorizers alike.
  // The admin listener as this host reaches it, once it listens: local functions' management calls go there.
  let adminOrigin: string | undefined;
  const integrationFactory = new IntegrationFactory({ config, pools, api, env: deps.env, managementOrigin: () => adminOrigin });
  const edge = createEdgeFeatures(config, api, logger, () => integrationFactory.runner);
  const registry = new ConnectionRegistry();
  const clusterTag = newNodeTag();
  const connectionIds = new TaggedIds(clusterTag);
  const groups = new GroupIndex();
  const clusterBus = deps.clusterBus ?? embeddedBusFor(config);
  // One process on the embedded bus has no peer to count it gone: it never fences itself.
  const selfFence = clusterBus instanceof EmbeddedBus ? undefined : new SelfFence({
    fenceAfterMs: config.cluster.leaseMs - config.cluster.heartbeatMs,
    logger,
    onFence: () => {
      // 1001 as AWS closes on its side; each close sends $disconnect to the backend.
      for (const connection of registry.values()) lifecycle.close(connection, closeReasons.goingAway.code, closeReasons.goingAway.reason);
      void clusterNode.membership.beat();
    },
  });
  const clusterFigures =
    config.cluster.bus === 'embedded' && config.cluster.workers === 1 ? undefined : new ClusterFigures(() => signals.localFigures, () => clusterNode.peers(), config.scaler.windowMs);
  const queueBudget = new QueueBudget(config.dispatch.maxQueuedBytesTotal);
  const signals = createScalingSignals({ config, registry, logger, queue: queueBudget, ...(clusterFigures === undefined ? {} : { figures: clusterFigures }) });
  const { figures } = signals;
  // The schema has already compiled expressions and parameters, so construction cannot fail on them.
  const integrations = new Map<string, Integration>();
  for (const [name, integration] of Object.entries(config.integrations)) {
    integrations.set(name, integrationFactory.create(name, integration));
  }
  const routes = new Map<string, RouteTarget>();
  for (const [key, route] of Object.entries(config.routes)) {
    const integration = integrations.get(route.integration);
    if (integration === undefined) throw new GatewayError('SWB_ERR_CONFIG_INVALID', `routes.${key}.integration: unknown integration "${route.integration}"`);
    routes.set(key, { key, integration: integrationFactory.forRoute(route, integration), twoWay: route.twoWay });
  }
  const router = new Router(routes, config.api.routeSelectionExpression);

  const managementUrls = new Map<string, string>();
  const ctx: GatewayContext = {
    config,
    logger,
    registry,
    router,
    api,
    ...edge.context,
    groups,
    newConnectionId: () => connectionIds.next(),
    queueBudget,
    ...(selfFence === undefined ? {} : { selfFence }),
    managementUrl(stage) {
      let url = managementUrls.get(stage);
      if (url === undefined) {
        url = `${managementBase ?? `${adminScheme}://127.0.0.1:${config.admin.port}`}/${stage}`;
        if (managementBase !== undefined) managementUrls.set(stage, url);
      }
      return url;
    },
  };

  const lifecycle = new ConnectionLifecycle(ctx);
  const local = new LocalDelivery({ registry, lifecycle, groups, rejectBinary: config.limits.binary === 'reject' });
  const clusterNode = new ClusterNode({
    config: config.cluster,
    bus: clusterBus,
    tag: clusterTag,
    nodeId: config.cluster.nodeId ?? `${hostname()}-${process.pid}`,
    local,
    figures: () => ({ stages: signals.localFigures.readAllNow() }),
    logger,
    onPeerChange: () => clusterFigures?.refresh(),
    ...(selfFence === undefined ? {} : { fence: selfFence }),
  });
  const clusterStarted = clusterNode.start();
  clusterStarted.catch(() => undefined);
  const client = createClientServer(ctx, lifecycle, listenerFactory(listenerTls.client));
  client.server.on('listening', () => {
    clientPort = (client.server.address() as AddressInfo).port;
  });
  let draining = false;
  const state = {
    get draining() {
      return draining;
    },
    get fenced() {
      return selfFence?.fencedNow() ?? false;
    },
  };
  const managementApi = new ManagementApi({ registry, lifecycle, stages: config.api.stages, cluster: clusterNode });
  const dashboard = createDashboard({ config, registry, figures, cluster: clusterNode, clientPort: () => clientPort, groupsOf: (id) => { const connection = registry.get(id); return connection === undefined ? [] : groups.groupsOf(connection); } });
  const adminServer = createAdminServer(
    [healthRoute(state), ...signals.adminRoutes, managementRoute(managementApi), groupsRoute({ stages: config.api.stages, local, cluster: clusterNode }), ...dashboard.routes],
    withBrowserDefence(config, adminScheme, logger, dashboard.guard(edge.managementGuard)),
    listenerFactory(listenerTls.admin),
  );
  // AWS serves @connections on the client host; the schema allows this only with authentication on.
  if (config.admin.onClientListener) {
    const onClientListener = adminRequestHandler([managementRoute(managementApi)], edge.managementGuard);
    client.serveHttp((request, response) => {
      const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
      if (parseManagementPath(path) === undefined) return false;
      onClientListener(request, response);
      return true;
    });
  }
  adminServer.on('listening', () => {
    const address = adminServer.address() as AddressInfo;
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    adminOrigin = `${adminScheme}://${host}:${address.port}`;
    managementBase ??= adminOrigin;
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

  let clusterClosing: Promise<void> | undefined;
  function closeCluster(): Promise<void> {
    clusterClosing ??= clusterStarted.then(
      () => clusterNode.close(),
      () => clusterNode.close(),
    );
    clusterFigures?.close();
    return clusterClosing;
  }

  async function stopServers(): Promise<void> {
    sweep.close();
    const adminClosed = new Promise<void>((resolve) => adminServer.close(() => resolve()));
    adminServer.closeAllConnections();
    client.server.closeAllConnections();
    dashboard.close();
    await Promise.all([adminClosed, pools.close(), edge.close(), signals.close(), closeCluster(), integrationFactory.close()]);
  }

  return {
    clientServer: client.server,
    connectionsPerIp: client.admission.slots,
    adminServer,
    registry,
    figures,
    dispatchQueue: queueBudget,
    scaler: signals.scaler,
    cluster: clusterNode,
    whenReady: () => clusterStarted,
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
      else {
        dashboard.close();
        await Promise.all([pools.close(), edge.close(), signals.close(), closeCluster(), integrationFactory.close()]);
      }
    },
  };
}

/** The bus of a gateway built without one: its own embedded bus, which serves one node only. */
function embeddedBusFor(config: Config): ClusterBus {
  if (config.cluster.bus !== 'embedded') {
    throw new GatewayError('SWB_ERR_CONFIG_INVALID', `cluster.bus is ${config.cluster.bus}: connect it with createClusterBus(config.cluster) and pass it as deps.clusterBus (startGateway does)`);
  }
  return new EmbeddedBus();
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
