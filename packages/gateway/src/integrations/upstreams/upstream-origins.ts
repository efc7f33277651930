/**
 * The origins an HTTP integration sends to: its `uri` and its `uris`, in order, without repeats.
 */
import type { IntegrationConfig } from '../../config/schema.js';
import { GatewayError } from '../../errors.js';

/**
 * The origins of `uri` and `uris`, in order, without repeats. `uris` may differ from `uri` only in
 * scheme, host and port: the request path always comes from `uri`.
 */
export function upstreamOrigins(config: IntegrationConfig): string[] {
  const primary = new URL(config.uri ?? '');
  const origins = [primary.origin];
  config.uris.forEach((uri, i) => {
    const url = new URL(uri);
    if (url.pathname !== primary.pathname || url.search !== primary.search) {
      throw new GatewayError(
        'SWB_ERR_CONFIG_INVALID',
        `integration uris[${i}] (${uri}) must have the same path and query as uri (${config.uri})`,
      );
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  });
  return origins;
}
