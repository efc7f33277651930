/**
 * `GET /healthz` (the process is alive) and `GET /readyz` (send me traffic): readiness turns 503
 * as soon as the backend starts draining, so a load balancer or Kubernetes stops routing to it.
 */
import { jsonReply, type Reply } from './reply.js';

export function handleHealthz(): Reply {
  return jsonReply(200, { status: 'ok' }, { 'cache-control': 'no-store' });
}

export function handleReadyz(draining: boolean): Reply {
  return draining
    ? jsonReply(503, { status: 'draining' }, { 'cache-control': 'no-store' })
    : jsonReply(200, { status: 'ready' }, { 'cache-control': 'no-store' });
}
