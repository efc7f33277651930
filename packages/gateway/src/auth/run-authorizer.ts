/**
 * The authorizer step of `$connect`: runs the route's authorizer on a pending connection and turns
 * its outcome into what the upgrade answers (401, 403, 500 with AWS's bodies), or records the
 * authorizer context on the pending connection (it becomes `Connection.authorizer`).
 */
import type { ConnectOutcome, PendingConnection } from '../events/connect.js';
import { connectEvent } from '../events/connect-event.js';
import type { GatewayContext } from '../events/gateway-context.js';
import type { AuthorizeOutcome, ConnectAuthorizer } from './connect-authorizer.js';

const BODIES: Readonly<Record<401 | 403 | 500, Buffer>> = {
  401: Buffer.from('{"message":"Unauthorized"}'),
  403: Buffer.from('{"message":"Forbidden"}'),
  500: Buffer.from('{"message":"Internal server error"}'),
};

/** Accepted (with the subprotocol the authorizer wants echoed, if any) or the refusal to answer with. */
export type AuthorizerStep =
  | { readonly accepted: true; readonly protocol: string | undefined }
  | Extract<ConnectOutcome, { accepted: false }>;

export async function runAuthorizer(
  ctx: GatewayContext,
  authorizer: ConnectAuthorizer,
  pending: PendingConnection,
): Promise<AuthorizerStep> {
  const event = connectEvent(pending, ctx.managementUrl(pending.stage));
  let outcome: AuthorizeOutcome;
  try {
    outcome = await authorizer.authorize(event);
  } catch (error) {
    // Authorizers answer failures as outcomes; this is a bug, answered as an authorizer error.
    outcome = {
      allowed: false,
      status: 500,
      code: 'SWB_ERR_AUTHORIZER_FAILED',
      reason: `unexpected failure: ${(error as Error).message}`,
    };
  }
  if (outcome.allowed) {
    if (outcome.authorizer !== undefined) pending.authorizer = outcome.authorizer;
    return { accepted: true, protocol: outcome.protocol };
  }
  // A refusal is the client's business (logged at debug with the handshake's refusal); a failing
  // authorizer is the operator's.
  if (outcome.status === 500)
    ctx.logger.warn(
      { connectionId: pending.id, status: outcome.status, code: outcome.code, reason: outcome.reason },
      '$connect authorizer failed',
    );
  else
    ctx.logger.debug(
      { connectionId: pending.id, status: outcome.status, code: outcome.code, reason: outcome.reason },
      '$connect refused by the authorizer',
    );
  return {
    accepted: false,
    status: outcome.status,
    code: outcome.code,
    body: BODIES[outcome.status],
    contentType: 'application/json',
  };
}
