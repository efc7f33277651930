// Property-based tests (fast-check) of route selection: any text, any JSON value and any nesting
// is routed without throwing to a configured route or $default, an action naming a route picks it,
// and expressions either compile or fail with a TypeError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRouteSelection } from './route-selection.js';
import { Router } from './router.js';

const keys = ['send', 'join', 'a.b', '[x]', 'ünï', '$default'];
const router = new Router(new Map(keys.map((key) => [key, key])), '$request.body.action');

/** JSON values nested up to 200 levels, as a hostile client could send. */
const deepJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ maxDepth: 200, depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 })),
})).value;

describe('route selection (properties)', () => {
  it('routes any text to a configured route or $default, without throwing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const selection = router.select(text);
        expect(keys).toContain(selection.routeKey);
        expect(selection.route).toBe(selection.routeKey);
      }),
      { numRuns: 500 },
    );
  });

  it('routes any JSON body, however nested, without throwing', () => {
    fc.assert(
      fc.property(deepJson, fc.option(deepJson), (body, action) => {
        const selection = router.select(JSON.stringify(action === null ? body : { ...(typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}), action }));
        expect(keys).toContain(selection.routeKey);
      }),
      { numRuns: 300 },
    );
  });

  it('picks the route named by a string action, and $default for any other', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...keys), fc.string()), deepJson, (action, other) => {
        const selection = router.select(JSON.stringify({ other, action }));
        expect(selection.routeKey).toBe(keys.includes(action) ? action : '$default');
      }),
      { numRuns: 300 },
    );
  });

  it('survives an action nested 100,000 levels deep', () => {
    const depth = 100_000;
    const selection = router.select(`{"action":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(selection.routeKey).toBe('$default');
  });

  it('compiles any expression or throws a TypeError, never anything else', () => {
    fc.assert(
      fc.property(fc.tuple(fc.constantFrom('', '$request.body.', '${request.body.', '\\$'), fc.string({ maxLength: 60 })).map(([prefix, rest]) => prefix + rest), (expression) => {
        try {
          const selector = compileRouteSelection(expression);
          expect(typeof selector.evaluate({ action: 'x' })).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
