/**
 * Deep freeze: the validated configuration is read-only all the way down, so no module can change
 * a setting that another module has already read.
 */

/** Freeze `value` and every object and array inside it; returns `value`. */
export function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child, seen);
  }
  return value;
}
