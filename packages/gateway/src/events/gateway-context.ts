/**
 * What the event handlers share: the frozen config, the logger, the registry, the router with its
 * integrations, and the API identity reported to backends.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { ConnectionRegistry } from '../connections/registry.js';
import type { ApiIdentity, Integration } from '../integrations/integration-event.js';
import type { Router } from '../routing/router.js';

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
  /** Base URL of the management API for `stage`, e.g. `http://127.0.0.1:8081/dev`. */
  managementUrl(stage: string): string;
}
