/**
 * Layering of configuration sources: plain objects merge key by key (so maps such as `routes` merge
 * by key too); arrays, scalars and null replace; `undefined` leaves the lower layer as it is.
 */

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Merge `layers` in order, later ones winning; the inputs are not modified. */
export function mergeLayers(...layers: readonly PlainObject[]): PlainObject {
  const out: PlainObject = {};
  for (const layer of layers) mergeInto(out, layer);
  return out;
}

function mergeInto(target: PlainObject, source: PlainObject): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const current = target[key];
    if (isPlainObject(value)) {
      const next = isPlainObject(current) && Object.hasOwn(target, key) ? current : {};
      mergeInto(next, value);
      setOwn(target, key, next);
    } else {
      setOwn(target, key, value);
    }
  }
}

/** `{ a: { b: value } }` for `['a', 'b']`. */
export function nest(segments: readonly string[], value: unknown): PlainObject {
  const [head, ...rest] = segments;
  if (head === undefined) throw new Error('nest: empty path');
  const out: PlainObject = {};
  setOwn(out, head, rest.length === 0 ? value : nest(rest, value));
  return out;
}

/** Assign as an own property, so a key such as `__proto__` from JSON or YAML stays plain data. */
function setOwn(target: PlainObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
