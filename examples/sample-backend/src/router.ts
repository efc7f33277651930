/**
 * The endpoint table: which path answers which methods, and whether it reads a body.
 * Lookup distinguishes an unknown path (404) from a known path with the wrong method (405).
 */
import type { BackendEvent } from './backend-event.js';
import type { Reply } from './reply.js';

export interface Endpoint {
  methods: readonly string[];
  /** Read the body (bounded) before calling `handle`; otherwise `event.body` is empty. */
  readBody: boolean;
  /** Largest body read; a larger one gets 413. @default MAX_BODY_BYTES (256 KB) */
  maxBodyBytes?: number;
  handle: (event: BackendEvent) => Reply | Promise<Reply>;
  /** While draining, answer the drain 503 instead (event endpoints; not health checks). */
  refusedWhileDraining?: boolean;
}

export type Lookup =
  | { kind: 'found'; endpoint: Endpoint }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: string };

export function lookupEndpoint(
  endpoints: ReadonlyMap<string, Endpoint>,
  method: string,
  path: string,
): Lookup {
  const endpoint = endpoints.get(path.length > 1 ? path.replace(/\/+$/, '') : path);
  if (endpoint === undefined) return { kind: 'not-found' };
  if (!endpoint.methods.includes(method))
    return { kind: 'method-not-allowed', allow: endpoint.methods.join(', ') };
  return { kind: 'found', endpoint };
}

/** The path of a request target: `/later?x=1` → `/later`; absolute-form targets work too. */
export function splitTarget(target: string): { path: string; query: URLSearchParams } {
  if (!target.startsWith('/')) {
    try {
      const url = new URL(target);
      return { path: url.pathname, query: url.searchParams };
    } catch {
      return { path: target, query: new URLSearchParams() };
    }
  }
  const mark = target.indexOf('?');
  return mark === -1
    ? { path: target, query: new URLSearchParams() }
    : { path: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) };
}
