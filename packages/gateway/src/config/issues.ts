/**
 * Configuration problems: one `{ path, message }` per problem, from the schema or from the
 * environment, and the SWB_ERR_CONFIG_INVALID error that reports all of them at once.
 */
import type { z } from 'zod';
import { GatewayError, hasCode } from '../errors.js';

/** One problem. `path` is a dotted setting path (`limits.maxFrameBytes`) or a variable name (`SWITCHBOARD_LISTEN_PROT`). */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The error of a configuration that failed validation (code `SWB_ERR_CONFIG_INVALID`). The message
 * lists every problem, one `path: message` line each, under a first summary line; the same problems
 * are on the `issues` property, structured. Match it with `isConfigInvalid(error)`.
 */
export class ConfigInvalidError extends GatewayError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super('SWB_ERR_CONFIG_INVALID', formatIssues(issues));
    this.issues = Object.freeze([...issues]);
  }
}

/** True when `error` is the SWB_ERR_CONFIG_INVALID error with its `issues`. */
export function isConfigInvalid(error: unknown): error is ConfigInvalidError {
  return hasCode(error, 'SWB_ERR_CONFIG_INVALID') && 'issues' in error;
}

/** The error message: a summary line, then one `path: message` line per problem. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return [
    `Invalid configuration (${count}):`,
    ...issues.map((issue) => `${issue.path}: ${issue.message}`),
  ].join('\n');
}

/** `listen.port`, `api.stages[0]`; the whole configuration is `(root)`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Flatten zod issues to ConfigIssues; an unknown-keys issue becomes one `path.key: unrecognized key` per key. */
export function issuesFromZod(error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unrecognized key' }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}
