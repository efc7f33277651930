/**
 * AWS IdentitySource for REQUEST authorizers: `route.request.header.NAME`,
 * `route.request.querystring.NAME`, `stageVariables.NAME` and `context.NAME`. When any is missing or
 * empty the client gets 401 and the authorizer is not called.
 */
import {
  contextVariable,
  type ApiIdentity,
  type IntegrationEvent,
} from '../integrations/integration-event.js';

export type IdentityReader = (
  event: IntegrationEvent,
  api: ApiIdentity,
  stageVariables: Readonly<Record<string, string>>,
) => string | undefined;

/** Compiles one identity source; throws a TypeError for an unknown form. */
export function compileIdentitySource(source: string): IdentityReader {
  if (source.startsWith('route.request.header.')) {
    const name = source.slice('route.request.header.'.length).toLowerCase();
    return (event) => {
      const value = event.handshake.headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    };
  }
  if (source.startsWith('route.request.querystring.')) {
    const name = source.slice('route.request.querystring.'.length);
    return (event) => new URLSearchParams(event.handshake.rawQuery).get(name) ?? undefined;
  }
  if (source.startsWith('stageVariables.')) {
    const name = source.slice('stageVariables.'.length);
    return (_event, _api, stageVariables) =>
      Object.hasOwn(stageVariables, name) ? stageVariables[name] : undefined;
  }
  if (source.startsWith('context.')) {
    const name = source.slice('context.'.length);
    return (event, api) => contextVariable(name, event, api);
  }
  throw new TypeError(
    `identity source "${source}": expected route.request.header.X, route.request.querystring.X, stageVariables.X or context.X`,
  );
}

/** The first identity source that is missing or empty, or undefined when all are present. */
export function missingIdentity(
  sources: readonly { readonly source: string; readonly read: IdentityReader }[],
  event: IntegrationEvent,
  api: ApiIdentity,
  stageVariables: Readonly<Record<string, string>>,
): string | undefined {
  for (const { source, read } of sources) {
    const value = read(event, api, stageVariables);
    if (value === undefined || value === '') return source;
  }
  return undefined;
}
