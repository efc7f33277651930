/**
 * Copies of session data as they survive JSON (`JSON.parse(JSON.stringify(data))`), without the
 * JSON round trip for flat data: a plain object of strings, numbers, booleans and null.
 */
import type { SessionData } from './session-store.js';
import { checkId, checkTtl, encodeData } from './validate.js';

/** A top-level object whose values are all strings, finite numbers, booleans or null. */
export type FlatData = Record<string, string | number | boolean | null>;

/** `data` as it survives JSON, as a copy of its own; data that is not a JSON object is rejected (encodeData). */
export function jsonCopy(data: unknown): SessionData {
  return flatCopy(data) ?? (JSON.parse(encodeData(data)) as SessionData);
}

/**
 * The checks of `update` (id, optional TTL, patch): returns the patch as it survives JSON, ready to
 * merge over the stored data.
 */
export function checkedPatch(id: unknown, patch: unknown, ttlSeconds: unknown): SessionData {
  checkId(id);
  if (ttlSeconds !== undefined) checkTtl(ttlSeconds);
  return jsonCopy(patch);
}

/**
 * A copy of `data` as `JSON.parse(JSON.stringify(data))` would give it, when that is a plain
 * object with only strings, numbers, booleans and null as values (and values JSON leaves out);
 * undefined for anything else, which then takes the JSON round trip and its checks.
 */
export function flatCopy(data: unknown): FlatData | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  if (typeof (data as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const copy: FlatData = {};
  for (const key of Object.keys(data)) {
    // JSON.parse makes `__proto__` an own key; an assignment would set the prototype instead.
    if (key === '__proto__') return undefined;
    const value: unknown = (data as Record<string, unknown>)[key];
    switch (typeof value) {
      case 'string':
      case 'boolean':
        copy[key] = value;
        break;
      case 'number':
        // JSON writes NaN and the infinities as null, and -0 as 0.
        copy[key] = Number.isFinite(value) ? value + 0 : null;
        break;
      case 'undefined':
      case 'function':
      case 'symbol':
        break;
      case 'object':
        if (value !== null) return undefined;
        copy[key] = null;
        break;
      case 'bigint':
        // JSON.stringify throws on it: encodeData reports it.
        return undefined;
    }
  }
  return copy;
}
