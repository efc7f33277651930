// Stringifying a selected value within a budget: the text of a wide or deep value chosen by a crafted
// message is never built past the longest key it could match, and the work done (values visited) is
// bounded by that length, not by the size of the message.
import { describe, expect, it } from 'vitest';
import { stringifySelected, type VisitCount } from './json-path.js';
import { compileRouteSelection } from './route-selection.js';
import { Router } from './router.js';

/** `{"a":{"a":…}}` nested `depth` times around `leaf`. */
function nestedObjects(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('stringifySelected', () => {
  it('writes values as API Gateway does when they fit', () => {
    expect(stringifySelected({ k: 'v', n: [1, null, true, { x: 'y' }] })).toBe('{k=v, n=[1, null, true, {x=y}]}');
    expect(stringifySelected([[], {}])).toBe('[[], {}]');
    expect(stringifySelected(undefined)).toBe('');
    expect(stringifySelected(nestedObjects(70, 1))).toBe(`${'{a='.repeat(64)}…${'}'.repeat(64)}`);
  });

  it('gives up on a wide array after about maxChars values, without building its text', () => {
    const wide = Array.from({ length: 100_000 }, () => 0);
    const unbounded: VisitCount = { nodes: 0 };
    expect(stringifySelected(wide, Number.POSITIVE_INFINITY, unbounded)?.length).toBe(300_000);
    expect(unbounded.nodes).toBe(100_001);
    const bounded: VisitCount = { nodes: 0 };
    expect(stringifySelected(wide, 32, bounded)).toBeUndefined();
    expect(bounded.nodes).toBeLessThanOrEqual(12);
  });

  it('gives up on deep nesting and on long keys and strings within the budget', () => {
    const visits: VisitCount = { nodes: 0 };
    expect(stringifySelected(nestedObjects(60, 'x'), 32, visits)).toBeUndefined();
    expect(visits.nodes).toBeLessThanOrEqual(12);
    expect(stringifySelected({ ['k'.repeat(100_000)]: 1 }, 32)).toBeUndefined();
    expect(stringifySelected('s'.repeat(33), 32)).toBeUndefined();
    expect(stringifySelected('s'.repeat(32), 32)).toBe('s'.repeat(32));
  });
});

describe('route selection within the longest key', () => {
  it('routes a crafted 100,000-element action to $default, visiting no more than the longest key allows', () => {
    const router = new Router(new Map([['join', 'join'], ['[1, 2]', 'pair'], ['$default', 'default']]), '$request.body.action');
    const message = JSON.stringify({ action: Array.from({ length: 100_000 }, (_, i) => i) });
    expect(message.length).toBeLessThan(600_000);
    expect(router.select(message).routeKey).toBe('$default');
    expect(router.select('{"action":[1,2]}').routeKey).toBe('[1, 2]');
    expect(router.select('{"action":"join"}').routeKey).toBe('join');
  });

  it('gives up on a result made of several parts as soon as it is too long', () => {
    const selector = compileRouteSelection('${request.body.service}/${request.body.action}');
    expect(selector.evaluate({ service: 'chat', action: 'join' }, 9)).toBe('chat/join');
    expect(selector.evaluate({ service: 'chat', action: 'joins' }, 9)).toBeUndefined();
    expect(selector.evaluate({ service: 'c'.repeat(10), action: [1] }, 9)).toBeUndefined();
    expect(selector.evaluate({ service: 'chat', action: 'join' })).toBe('chat/join');
  });
});
