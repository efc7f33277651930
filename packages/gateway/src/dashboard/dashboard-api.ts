/**
 * The dashboard's JSON endpoints on the admin listener: `GET /dashboard/api/overview` (live figures
 * from the Figures module and DashboardStats, cluster nodes, routes and integrations as configured
 * with per-route counters, the client listener for the test console) and
 * `GET /dashboard/api/connections/{id}` (one connection of this node with its groups and recent
 * traffic). Connection listing, send, disconnect and broadcast use the management API itself.
 */
import type { ServerResponse } from 'node:http';
import type { PeerView } from '../cluster/membership.js';
import type { Config } from '../config/schema.js';
import type { ConnectionRegistry } from '../connections/registry.js';
import type { Figures } from '../figures/figures.js';
import { sendError, sendJson } from '../management/responses.js';
import type { DashboardStats, RouteCounters, SecondBucket } from './dashboard-stats.js';
import type { RecentTraffic, TrafficEntry } from './recent-traffic.js';

export interface DashboardSources {
  readonly config: Config;
  readonly registry: ConnectionRegistry;
  readonly figures: Figures;
  readonly stats: DashboardStats;
  readonly traffic: RecentTraffic;
  /** This node's id and its live peers (none outside cluster mode). */
  readonly cluster: { readonly nodeId: string; peers(): readonly PeerView[] };
  /** The groups a connection of this node belongs to. */
  groupsOf(connectionId: string): readonly string[];
  /** The client listener's port once listening. */
  clientPort(): number;
}

export interface Overview {
  readonly generatedAt: string;
  readonly scope: 'node' | 'cluster';
  readonly windowMs: number;
  readonly connections: number;
  readonly messagesPerSecond: number;
  readonly stages: readonly { stage: string; connections: number; messagesPerSecond: number }[];
  readonly history: readonly SecondBucket[];
  readonly errors: Readonly<Record<string, number>>;
  readonly routes: readonly ({ key: string; integration: string; twoWay: boolean } & RouteCounters)[];
  readonly integrations: readonly {
    name: string;
    type: string;
    uris: string[];
    method: string;
    timeoutMs: number;
    function?: string;
  }[];
  readonly cluster: {
    readonly nodeId: string;
    readonly nodes: readonly {
      nodeId: string;
      self: boolean;
      lastSeen: string | null;
      connections: number;
    }[];
  };
  readonly client: { readonly port: number; readonly tls: boolean; readonly stages: readonly string[] };
  readonly recentTraffic: number;
}

export async function overview(sources: DashboardSources): Promise<Overview> {
  const { config, figures, stats } = sources;
  const stages = await figures.readAll();
  const snapshot = stats.snapshot();
  const zero: RouteCounters = {
    messages: 0,
    integrationOk: 0,
    integrationErrors: 0,
    latencySumMs: 0,
    calls: 0,
  };
  const peers = sources.cluster.peers();
  const localConnections = sources.registry.size;
  return {
    generatedAt: new Date().toISOString(),
    scope: figures.scope,
    windowMs: figures.windowMs,
    connections: stages.reduce((sum, stage) => sum + stage.connections, 0),
    messagesPerSecond: stages.reduce((sum, stage) => sum + stage.messagesPerSecond, 0),
    stages: stages.map(({ stage, connections, messagesPerSecond }) => ({
      stage,
      connections,
      messagesPerSecond,
    })),
    history: snapshot.history,
    errors: snapshot.errors,
    routes: Object.entries(config.routes).map(([key, route]) => ({
      key,
      integration: route.integration,
      twoWay: route.twoWay,
      ...(snapshot.routes[key] ?? zero),
    })),
    integrations: Object.entries(config.integrations).map(([name, integration]) => ({
      name,
      type: integration.type,
      uris: [integration.uri, ...integration.uris]
        .filter((uri): uri is string => uri !== undefined)
        .map(withoutCredentials),
      method: integration.method,
      timeoutMs: integration.timeoutMs,
      ...(integration.function === undefined ? {} : { function: integration.function }),
    })),
    cluster: {
      nodeId: sources.cluster.nodeId,
      nodes: [
        { nodeId: sources.cluster.nodeId, self: true, lastSeen: null, connections: localConnections },
        ...peers.map((peer) => ({
          nodeId: peer.nodeId,
          self: false,
          lastSeen: new Date(peer.lastSeen).toISOString(),
          connections: peer.figures.stages.reduce((sum, stage) => sum + stage.connections, 0),
        })),
      ],
    },
    client: {
      port: sources.clientPort(),
      tls: config.tls.certFile !== undefined && config.tls.listeners !== 'admin',
      stages: config.api.stages,
    },
    recentTraffic: config.dashboard.recentTraffic,
  };
}

export interface ConnectionDetails {
  readonly connectionId: string;
  readonly stage: string;
  readonly connectedAt: string;
  readonly lastActiveAt: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly groups: readonly string[];
  readonly recentTraffic: readonly TrafficEntry[];
}

/** Answers `GET /dashboard/api/connections/{id}`: 200 with the details, or 410 GoneException when not on this node. */
export function sendConnectionDetails(
  sources: DashboardSources,
  response: ServerResponse,
  connectionId: string,
): void {
  const connection = sources.registry.get(connectionId);
  if (connection === undefined) {
    sendError(response, 410, 'GoneException', 'SWB_ERR_CONNECTION_GONE', null);
    return;
  }
  const details: ConnectionDetails = {
    connectionId: connection.id,
    stage: connection.stage,
    connectedAt: new Date(connection.connectedAt).toISOString(),
    lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
    sourceIp: connection.handshake.sourceIp,
    userAgent: connection.handshake.userAgent,
    groups: sources.groupsOf(connection.id),
    recentTraffic: sources.traffic.of(connection.id),
  };
  sendJson(response, 200, details);
}

/** A URI with any `user:password@` removed, so that the dashboard never shows credentials. */
function withoutCredentials(uri: string): string {
  try {
    const url = new URL(uri);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return uri;
  }
}
