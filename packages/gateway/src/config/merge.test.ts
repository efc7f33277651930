// Unit tests for layering configuration sources and for deep freezing.
import { describe, it, expect } from 'vitest';
import { deepFreeze } from './freeze.js';
import { isPlainObject, mergeLayers, nest } from './merge.js';

describe('mergeLayers', () => {
  it('merges objects by key, later layers winning; lists and scalars replace', () => {
    const merged = mergeLayers(
      {
        listen: { port: 1, host: 'a' },
        api: { stages: ['a', 'b'] },
        routes: { x: { integration: 'i', twoWay: true } },
      },
      {
        listen: { port: 2 },
        api: { stages: ['c'] },
        routes: { y: { integration: 'j' }, x: { integration: 'k' } },
      },
    );
    expect(merged).toEqual({
      listen: { port: 2, host: 'a' },
      api: { stages: ['c'] },
      routes: { x: { integration: 'k', twoWay: true }, y: { integration: 'j' } },
    });
  });

  it('skips undefined, lets null replace, and does not modify its inputs', () => {
    const lower = { listen: { port: 1 } };
    expect(mergeLayers(lower, { listen: { port: undefined } }, { admin: null })).toEqual({
      listen: { port: 1 },
      admin: null,
    });
    expect(mergeLayers(lower, { listen: { port: 3 } })).toEqual({ listen: { port: 3 } });
    expect(lower).toEqual({ listen: { port: 1 } });
  });

  it('keeps a __proto__ key as plain data', () => {
    const merged = mergeLayers(
      JSON.parse('{"routes":{"__proto__":{"polluted":true}}}') as Record<string, unknown>,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged.routes as object)).toEqual(['__proto__']);
  });
});

describe('nest', () => {
  it('builds a nested object along the path', () => {
    expect(nest(['a', 'b', 'c'], 1)).toEqual({ a: { b: { c: 1 } } });
    expect(() => nest([], 1)).toThrow('empty path');
  });
});

describe('isPlainObject', () => {
  it('accepts object literals and null-prototype objects only', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject(new Date())).toBe(false);
  });
});

describe('deepFreeze', () => {
  it('freezes nested objects and arrays, and survives cycles', () => {
    const value: { a: { b: number[] }; self?: unknown } = { a: { b: [1] } };
    value.self = value;
    expect(deepFreeze(value)).toBe(value);
    expect(Object.isFrozen(value.a)).toBe(true);
    expect(Object.isFrozen(value.a.b)).toBe(true);
  });
});
