/**
 * IAM policy evaluation for authorizer output, as far as `$connect` needs it: does the policy allow
 * `execute-api:Invoke` on the methodArn? An explicit Deny wins; no matching Allow is a deny too.
 * Wildcards `*` and `?` work in actions and resources, as in IAM.
 */

export type PolicyDecision = 'allow' | 'deny';

interface Statement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Resource?: unknown;
}

/** Evaluates `policyDocument` for `execute-api:Invoke` on `methodArn`. */
export function evaluatePolicy(policyDocument: unknown, methodArn: string): PolicyDecision {
  if (typeof policyDocument !== 'object' || policyDocument === null) return 'deny';
  const raw = (policyDocument as { Statement?: unknown }).Statement;
  const statements = (Array.isArray(raw) ? raw : [raw]).filter(
    (s): s is Statement => typeof s === 'object' && s !== null,
  );
  let allowed = false;
  for (const statement of statements) {
    if (!list(statement.Action).some((action) => wildcard(action.toLowerCase(), 'execute-api:invoke')))
      continue;
    if (!list(statement.Resource).some((resource) => wildcard(resource, methodArn))) continue;
    if (statement.Effect === 'Deny') return 'deny';
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'deny';
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** IAM-style match: `*` any run of characters, `?` one character; everything else literal. */
export function wildcard(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}
