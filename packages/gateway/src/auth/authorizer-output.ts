/**
 * Reading a REQUEST authorizer's result as API Gateway does: `"Unauthorized"` → 401; a policy that
 * denies, or does not allow `execute-api:Invoke` on the methodArn → 403; anything malformed or over
 * 8 KB → 500; otherwise the connection is allowed with `principalId` and `context`.
 */
import type { AuthorizerContextValue } from './authorizer-context.js';
import type { AuthorizeOutcome } from './connect-authorizer.js';
import { evaluatePolicy } from './policy.js';

/** AWS's limit on an authorizer result. */
export const MAX_AUTHORIZER_RESULT_BYTES = 8_192;

/** Decides on the parsed result `output` of an authorizer that took `latencyMs`. */
export function readAuthorizerOutput(
  output: unknown,
  methodArn: string,
  latencyMs: number,
): AuthorizeOutcome {
  if (output === 'Unauthorized')
    return {
      allowed: false,
      status: 401,
      code: 'SWB_ERR_UNAUTHORIZED',
      reason: 'the authorizer answered "Unauthorized"',
    };
  if (typeof output !== 'object' || output === null || Array.isArray(output))
    return failed('the result is not a JSON object');
  const result = output as { principalId?: unknown; policyDocument?: unknown; context?: unknown };
  if (typeof result.principalId !== 'string' && typeof result.principalId !== 'number')
    return failed('principalId is missing');
  if (typeof result.policyDocument !== 'object' || result.policyDocument === null)
    return failed('policyDocument is missing');
  const context: Record<string, AuthorizerContextValue> = {};
  if (result.context !== undefined && result.context !== null) {
    if (typeof result.context !== 'object' || Array.isArray(result.context))
      return failed('context is not an object');
    for (const [key, value] of Object.entries(result.context)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        return failed(`context.${key} is not a string, number or boolean`);
      context[key] = value;
    }
  }
  if (evaluatePolicy(result.policyDocument, methodArn) === 'deny') {
    return {
      allowed: false,
      status: 403,
      code: 'SWB_ERR_AUTHORIZER_DENIED',
      reason: `the policy does not allow execute-api:Invoke on ${methodArn}`,
    };
  }
  return {
    allowed: true,
    authorizer: {
      principalId: String(result.principalId),
      integrationLatency: Math.round(latencyMs),
      context,
    },
  };
}

/** A 500 outcome for an authorizer that failed. */
export function failed(reason: string): AuthorizeOutcome {
  return { allowed: false, status: 500, code: 'SWB_ERR_AUTHORIZER_FAILED', reason };
}
