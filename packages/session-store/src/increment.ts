/**
 * The part of `SessionStore.increment` that is the same in every adapter: its argument checks, and
 * the data it writes given what is stored, so every adapter counts, and fails, the same way.
 */
import { SessionStoreError } from './errors.js';
import { jsonCopy } from './json-copy.js';
import type { IncrementOptions, SessionData } from './session-store.js';
import { checkId, checkTtl } from './validate.js';

/** An `increment` call's arguments, checked, with `initial` and `patch` as they survive JSON. */
export interface CheckedIncrement {
  readonly id: string;
  readonly field: string;
  readonly by: number;
  readonly initial: SessionData;
  readonly patch: SessionData;
  readonly ttlSeconds: number;
}

/** Checks an `increment` call; rejects what could never be written with SWB_ERR_SESSION_STORE_INVALID. */
export function checkIncrement(id: unknown, field: unknown, options: unknown): CheckedIncrement {
  checkId(id);
  if (typeof field !== 'string' || field.length === 0) {
    throw invalid(`increment field must be a non-empty string, got ${JSON.stringify(field)}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw invalid('increment options must be an object with initial and ttlSeconds');
  }
  const { by = 1, initial, patch = {}, ttlSeconds } = options as Partial<IncrementOptions>;
  checkTtl(ttlSeconds);
  if (typeof by !== 'number' || !Number.isFinite(by)) {
    throw invalid(`increment by must be a finite number, got ${String(by)}`);
  }
  const checked = { id, field, by, initial: jsonCopy(initial), patch: jsonCopy(patch), ttlSeconds };
  if (Object.hasOwn(checked.patch, field)) {
    throw invalid(`increment patch must not set "${field}", the field it counts`);
  }
  countable(checked.initial[field], checked); // a bad initial value fails now, not on first use
  return checked;
}

/**
 * The data an increment stores: `current` (a live session's data), or `initial` when there is none,
 * with the patch merged in and the field counted on.
 */
export function incremented(current: SessionData | undefined, change: CheckedIncrement): SessionData {
  const base = current ?? change.initial;
  const next = countable(base[change.field], change) + change.by;
  if (!Number.isFinite(next)) throw invalid(`session ${change.id}: "${change.field}" would not be a finite number`);
  return { ...base, ...change.patch, [change.field]: next };
}

/** The field's value to count on from: a number, or 0 when absent; anything else is rejected. */
function countable(value: unknown, change: CheckedIncrement): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  throw invalid(
    `session ${change.id}: "${change.field}" holds ${value === null ? 'null' : typeof value}, not a number to increment`,
  );
}

function invalid(message: string): SessionStoreError {
  return new SessionStoreError('SWB_ERR_SESSION_STORE_INVALID', message);
}
