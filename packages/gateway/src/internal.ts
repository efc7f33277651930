/**
 * @switchboard/gateway/internal: building blocks for sibling workspaces (CLI, bench, tests).
 * Not a public API: it may change in any release.
 */
export { compileRouteSelection, type RouteSelector } from './routing/route-selection.js';
export { Router, NOT_JSON, CONNECT, DISCONNECT, DEFAULT } from './routing/router.js';
export { newId, isWellFormedId } from './connections/ids.js';
export { configSchema } from './config/schema.js';
export { IpcHub } from './cluster/ipc/ipc-hub.js';
export { AwsProxyEventEncoder } from './integrations/aws-proxy-event.js';
export { EventBatcher } from './integrations/event-batcher.js';
export type { ApiIdentity, IntegrationEvent } from './integrations/integration-event.js';
