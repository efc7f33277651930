/**
 * AWS `RequestParameters` for HTTP integrations, compiled once: each entry maps a source
 * (`context.X`, `route.request.header.X`, `route.request.querystring.X`, `route.request.body.PATH`,
 * `stageVariables.X` or a `'literal'`) onto a backend header, query-string parameter or path segment.
 * Handshake headers and the query string exist only on `$connect`, as on AWS.
 * @see docs/protocol.md "Request parameters"
 */
import { parseJsonPath, readJsonPath, stringifySelected } from '../routing/json-path.js';
import { NOT_JSON } from '../routing/router.js';
import { CONTEXT_VARIABLES, contextVariable, type ApiIdentity, type IntegrationEvent } from './integration-event.js';

export type ParameterTarget = 'header' | 'querystring' | 'path';

export interface MappedParameter {
  readonly target: ParameterTarget;
  readonly name: string;
  readonly read: (event: IntegrationEvent, api: ApiIdentity, stageVariables: Readonly<Record<string, string>>) => string | undefined;
}

const TARGET = /^integration\.request\.(header|querystring|path)\.(.+)$/;

/** Compiles a RequestParameters map; throws a TypeError naming the first entry it cannot use. */
export function compileRequestParameters(parameters: Readonly<Record<string, string>>): MappedParameter[] {
  return Object.entries(parameters).map(([key, source]) => {
    const target = TARGET.exec(key);
    if (target === null) throw new TypeError(`request parameter "${key}": the key must be integration.request.{header|querystring|path}.NAME`);
    return { target: target[1] as ParameterTarget, name: target[2] ?? '', read: compileSource(key, source) };
  });
}

function compileSource(key: string, source: string): MappedParameter['read'] {
  if (source.length >= 2 && source.startsWith("'") && source.endsWith("'")) {
    const literal = source.slice(1, -1);
    return () => literal;
  }
  if (source.startsWith('context.')) {
    const name = source.slice('context.'.length);
    if (!CONTEXT_VARIABLES.has(name) && !name.startsWith('authorizer.')) throw new TypeError(`request parameter "${key}": unknown context variable "${name}"; known: ${[...CONTEXT_VARIABLES].join(', ')}`);
    return (event, api) => contextVariable(name, event, api);
  }
  if (source.startsWith('stageVariables.')) {
    const name = source.slice('stageVariables.'.length);
    return (_event, _api, stageVariables) => stageVariables[name];
  }
  if (source.startsWith('route.request.header.')) {
    const name = source.slice('route.request.header.'.length).toLowerCase();
    return (event) => {
      if (event.eventType !== 'CONNECT') return undefined;
      const value = event.handshake.headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    };
  }
  if (source.startsWith('route.request.querystring.')) {
    const name = source.slice('route.request.querystring.'.length);
    return (event) => (event.eventType === 'CONNECT' ? (new URLSearchParams(event.handshake.rawQuery).get(name) ?? undefined) : undefined);
  }
  if (source.startsWith('route.request.body.')) {
    const steps = parseJsonPath(source.slice('route.request.body.'.length));
    return (event) => {
      let body = event.parsedBody;
      if (body === undefined && event.body !== undefined && event.binary !== true) {
        try {
          body = JSON.parse(event.body.toString());
        } catch {
          body = NOT_JSON;
        }
      }
      if (body === NOT_JSON || body === undefined) return undefined;
      const value = readJsonPath(body, steps);
      return value === undefined ? undefined : stringifySelected(value);
    };
  }
  throw new TypeError(`request parameter "${key}": unknown source "${source}"`);
}
