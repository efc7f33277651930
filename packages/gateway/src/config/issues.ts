/**
 * Configuration problems: one `{ path, message }` per problem, from the schema or from the
 * environment, and the SWB_ERR_CONFIG_INVALID error that reports all of them at once.
 */
import type { z } from 'zod';
import { GatewayError, hasCode } from '../errors.js';
import { keysAt } from './settings.js';
import { closestName } from './suggest.js';

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

/**
 * Flatten zod issues to ConfigIssues. An unknown-keys issue becomes one `path.key: unrecognized key`
 * per key, with the nearest known key suggested (`did you mean \`integrations\`?`) or else the keys
 * that are known there; a map key that fails its own check carries that check's message.
 */
export function issuesFromZod(error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: unrecognizedKeyMessage(key, keysAt(issue.path)),
      }));
    if (issue.code === 'invalid_key')
      return [{ path: formatPath(issue.path), message: issue.issues.map((inner) => inner.message).join('; ') }];
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/** The longest list of known keys written out in full; a longer one points to the docs instead. */
const MAX_KEYS_LISTED = 12;

function unrecognizedKeyMessage(key: string, known: readonly string[] | undefined): string {
  if (known === undefined || known.length === 0) return 'unrecognized key';
  const guess = closestName(key, known);
  if (guess !== undefined) return `unrecognized key (did you mean \`${guess}\`?)`;
  if (known.length > MAX_KEYS_LISTED) return 'unrecognized key (the settings are listed in docs/configuration.md)';
  return `unrecognized key (the keys here are ${known.map((each) => `\`${each}\``).join(', ')})`;
}
