/**
 * What an authorizer leaves on a connection (`Connection.authorizer`): the principal, the context
 * values and the authorizer's latency. It reaches `$context.authorizer.*` and every AWS event.
 */

/** Context values as an authorizer returns them: strings, numbers and booleans only (as on AWS). */
export type AuthorizerContextValue = string | number | boolean;

export interface AuthorizerContext {
  readonly principalId: string;
  /** The authorizer's own latency, in ms (AWS `requestContext.authorizer.integrationLatency`). */
  readonly integrationLatency: number;
  readonly context: Readonly<Record<string, AuthorizerContextValue>>;
}

/** `requestContext.authorizer` of AWS events: `{principalId, integrationLatency, ...context}`. */
export function authorizerForEvent(authorizer: AuthorizerContext): Record<string, AuthorizerContextValue> {
  return {
    ...authorizer.context,
    principalId: authorizer.principalId,
    integrationLatency: authorizer.integrationLatency,
  };
}

/**
 * `$context.authorizer.NAME` (`context.authorizer.NAME` in request parameters): `principalId`,
 * `integrationLatency` or a context key, stringified as AWS does (`1` → "1", `true` → "true").
 */
export function authorizerVariable(
  authorizer: AuthorizerContext | undefined,
  name: string,
): string | undefined {
  if (authorizer === undefined) return undefined;
  if (name === 'principalId') return authorizer.principalId;
  if (name === 'integrationLatency') return String(authorizer.integrationLatency);
  const value = Object.hasOwn(authorizer.context, name) ? authorizer.context[name] : undefined;
  return value === undefined ? undefined : String(value);
}
