/**
 * What the event handlers share: the frozen config, the logger, the registry, the router with its
 * integrations, and the API identity reported to backends.
 */
import type { Logger } from 'pino';
import type { AccessLogSink } from '../access-log/access-log.js';
import type { ConnectAuthorizer } from '../auth/connect-authorizer.js';
import type { QueueBudget } from '../backpressure/queue-budget.js';
import type { GroupIndex } from '../cluster/group-index.js';
import type { Config } from '../config/schema.js';
import type { ConnectionRegistry } from '../connections/registry.js';
import type { ApiIdentity, Integration } from '../integrations/integration-event.js';
import type { Router } from '../routing/router.js';
import type { MessageThrottle } from '../throttling/message-throttle.js';
import type { ConnectThrottle } from '../throttling/connect-throttle.js';

/** A configured route with its integration resolved. */
export interface RouteTarget {
  readonly key: string;
  readonly integration: Integration;
  readonly twoWay: boolean;
}

export interface GatewayContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly registry: ConnectionRegistry;
  readonly router: Router<RouteTarget>;
  readonly api: ApiIdentity;
  /** The `$connect` route's authorizer, run before its integration; undefined when there is none. */
  readonly connectAuthorizer?: ConnectAuthorizer;
  /** New connections per second, with a per-IP share (`throttling.connectionsPerSecond…`); undefined when off. */
  readonly connectionThrottle?: ConnectThrottle;
  /** Client messages per stage and route (`throttling.messages`, `throttling.routes`); undefined when off. */
  readonly messageThrottle?: MessageThrottle;
  /** The access log (`accessLog.format`); undefined when off. */
  readonly accessLog?: AccessLogSink;
  /** Base URL of the management API for `stage`, e.g. `http://127.0.0.1:8081/dev`. */
  managementUrl(stage: string): string;
  /** This node's group memberships (cluster mode's groups); undefined turns group headers off. */
  readonly groups?: GroupIndex;
  /** A new connection id carrying this node's cluster tag; default a plain random id. */
  readonly newConnectionId?: () => string;
  /** Bytes of client messages queued on this node (`dispatch.maxQueuedBytesTotal`), shared by every connection. */
  readonly queueBudget: QueueBudget;
  /**
   * Cluster self-fencing: true while this node is fenced (its clients closed, new ones refused), and
   * fences it first when due. Undefined when the node never fences (one process, embedded bus).
   */
  readonly selfFence?: { fencedNow(): boolean };
}
