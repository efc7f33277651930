/**
 * Which upstream (replica) a backend call failed at. The upstream set notes it on the error it
 * rejects with, as the backend client notes `sent`, so that the integration's error message, its
 * log line and its diagnostics name the replica that failed, not the integration's first `uri`.
 */

/** Notes on `error` that it happened at `origin` (`http://ADDRESS:PORT`); returns `error`. */
export function atUpstream<T>(error: T, origin: string): T {
  if (error !== null && typeof error === 'object') (error as { upstream?: string }).upstream = origin;
  return error;
}

/** The upstream a failure was noted at, if any. */
export function failedUpstreamOf(error: unknown): string | undefined {
  const upstream = error !== null && typeof error === 'object' ? (error as { upstream?: unknown }).upstream : undefined;
  return typeof upstream === 'string' ? upstream : undefined;
}

/** `url` (an integration's `uri` and path) with its origin replaced by `origin`, the replica's. */
export function urlAt(url: string, origin: string | undefined): string {
  if (origin === undefined) return url;
  try {
    return origin + url.slice(new URL(url).origin.length);
  } catch {
    return url;
  }
}
