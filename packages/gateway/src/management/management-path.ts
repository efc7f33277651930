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
  if (rawPath.charCodeAt(0) !== SLASH) return undefined;
  let end = segmentEnd(rawPath, 1);
  let stage: string | undefined;
  if (!isConnectionsSegment(rawPath.slice(1, end))) {
    stage = rawPath.slice(1, end);
    if (stage === '' || end === rawPath.length) return undefined;
    const start = end + 1;
    end = segmentEnd(rawPath, start);
    if (!isConnectionsSegment(rawPath.slice(start, end))) return undefined;
  }
  // Nothing after `@connections`, or only a slash: the listing.
  if (end >= rawPath.length - 1) return { kind: 'list', stage };
  const id = rawPath.slice(end + 1);
  if (id.includes('/')) return undefined;
  if (!id.includes('%')) return { kind: 'connection', stage, connectionId: id };
  try {
    return { kind: 'connection', stage, connectionId: decodeURIComponent(id) };
  } catch {
    return { kind: 'malformed', reason: 'the connection id is not valid percent-encoding' };
  }
}

const SLASH = 47;

/** Index of the `/` that ends the segment starting at `start`, or the path's length. */
function segmentEnd(path: string, start: number): number {
  const slash = path.indexOf('/', start);
  return slash === -1 ? path.length : slash;
}

function isConnectionsSegment(segment: string): boolean {
  return segment === '@connections' || (segment.length === 14 && segment.toLowerCase() === '%40connections');
}
