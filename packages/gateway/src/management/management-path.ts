/**
 * Parses management API paths: `/{stage}/@connections/{id}`, `/@connections/{id}` and the listing
 * `/{stage}/@connections`, with `@` literal or encoded as `%40` and the id percent-decoded.
 */

export type ManagementTarget =
  | { readonly kind: 'connection'; readonly stage: string | undefined; readonly connectionId: string }
  | { readonly kind: 'list'; readonly stage: string | undefined };

export type ParsedPath = ManagementTarget | { readonly kind: 'malformed'; readonly reason: string } | undefined;

/** Parses a raw request path (without the query string); undefined when it is not a management path. */
export function parseManagementPath(rawPath: string): ParsedPath {
  const segments = rawPath.split('/');
  if (segments[0] !== '') return undefined;
  let index = 1;
  let stage: string | undefined;
  if (!isConnectionsSegment(segments[index])) {
    stage = segments[index];
    index++;
    if (stage === undefined || stage === '' || !isConnectionsSegment(segments[index])) return undefined;
  }
  index++;
  const rest = segments.slice(index);
  if (rest.length === 0 || (rest.length === 1 && rest[0] === '')) return { kind: 'list', stage };
  if (rest.length !== 1 || rest[0] === '') return undefined;
  try {
    return { kind: 'connection', stage, connectionId: decodeURIComponent(rest[0] ?? '') };
  } catch {
    return { kind: 'malformed', reason: 'the connection id is not valid percent-encoding' };
  }
}

function isConnectionsSegment(segment: string | undefined): boolean {
  return segment === '@connections' || segment?.toLowerCase() === '%40connections';
}
