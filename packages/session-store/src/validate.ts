/**
 * Argument checks shared by every adapter, so that bad input fails the same way everywhere with
 * SWB_ERR_SESSION_STORE_INVALID, before anything is written.
 */
import { SessionStoreError } from './errors.js';

/** Longest session id accepted (DynamoDB allows 2048 bytes for a key; we keep well below). */
export const MAX_ID_LENGTH = 1024;

export function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new SessionStoreError(
      'SWB_ERR_SESSION_STORE_INVALID',
      `session id must be a string of 1 to ${MAX_ID_LENGTH} characters, got ${JSON.stringify(id)}`,
    );
  }
}

export function checkTtl(ttlSeconds: unknown): asserts ttlSeconds is number {
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new SessionStoreError(
      'SWB_ERR_SESSION_STORE_INVALID',
      `ttlSeconds must be a number above 0, got ${String(ttlSeconds)}`,
    );
  }
}

/** The data as JSON text; data must be a plain object that survives JSON. */
export function encodeData(data: unknown): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SessionStoreError('SWB_ERR_SESSION_STORE_INVALID', 'session data must be a JSON object');
  }
  try {
    return JSON.stringify(data);
  } catch (error) {
    throw new SessionStoreError(
      'SWB_ERR_SESSION_STORE_INVALID',
      `session data is not JSON-serialisable: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

export function checkLimit(limit: unknown): number {
  if (limit === undefined) return 100;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new SessionStoreError(
      'SWB_ERR_SESSION_STORE_INVALID',
      `list limit must be an integer from 1 to 1000, got ${JSON.stringify(limit)}`,
    );
  }
  return limit;
}

/** Expiry in epoch ms for a TTL given in seconds. */
export function expiryOf(ttlSeconds: number, now: number): number {
  return now + Math.ceil(ttlSeconds * 1000);
}

/** Throws when the store was closed. */
export function checkOpen(closed: boolean, kind: string): void {
  if (closed)
    throw new SessionStoreError('SWB_ERR_SESSION_STORE_UNAVAILABLE', `${kind} session store is closed`);
}
