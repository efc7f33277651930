import { describe, expect, it } from 'vitest';
import { compileRouteSelection } from './route-selection.js';
import { NOT_JSON, Router } from './router.js';

describe('route selection expression', () => {
  const cases: { expression: string; body: unknown; expected: string }[] = [
    { expression: '$request.body.action', body: { action: 'join' }, expected: 'join' },
    { expression: '$request.body.action', body: { other: 1 }, expected: '' },
    { expression: '$request.body.a.b', body: { a: { b: 'deep' } }, expected: 'deep' },
    { expression: '$request.body.a[1]', body: { a: ['x', 'y'] }, expected: 'y' },
    { expression: '${request.body.action}', body: { action: 'join' }, expected: 'join' },
    { expression: '${request.body.service}/${request.body.action}', body: { service: 'chat', action: 'join' }, expected: 'chat/join' },
    { expression: '${request.body.action}-${request.body.invalidPath}', body: { action: 'join' }, expected: 'join-' },
    { expression: 'action', body: { action: 'join' }, expected: 'action' },
    { expression: '\\$default', body: {}, expected: '$default' },
    { expression: '$request.body.action', body: { action: ['item1', 'item2'] }, expected: '[item1, item2]' },
    { expression: '$request.body.action', body: { action: 42 }, expected: '42' },
    { expression: '$request.body.action', body: { action: true }, expected: 'true' },
    { expression: '$request.body.action', body: { action: { k: 'v' } }, expected: '{k=v}' },
    { expression: '$request.body.action', body: 'a string body', expected: '' },
    { expression: '$request.body.action', body: null, expected: '' },
    { expression: 'v1-$request.body.action', body: { action: 'x' }, expected: 'v1-x' },
  ];
  for (const { expression, body, expected } of cases) {
    it(`${expression} on ${JSON.stringify(body)} gives "${expected}"`, () => {
      expect(compileRouteSelection(expression).evaluate(body)).toBe(expected);
    });
  }

  it('knows whether it reads the body', () => {
    expect(compileRouteSelection('$request.body.action').readsBody).toBe(true);
    expect(compileRouteSelection('static').readsBody).toBe(false);
  });

  it('rejects an expression it cannot parse', () => {
    expect(() => compileRouteSelection('${request.body.action')).toThrow(/cannot parse/);
    expect(() => compileRouteSelection('$request.headers.x')).toThrow(/cannot parse/);
  });
});

describe('router', () => {
  const routes = new Map([
    ['$connect', 'connect'],
    ['$disconnect', 'disconnect'],
    ['$default', 'default'],
    ['join', 'join'],
  ]);
  const router = new Router(routes, '$request.body.action');

  const cases: { message: string; route: string | undefined; key: string }[] = [
    { message: '{"action":"join"}', route: 'join', key: 'join' },
    { message: '{"action":"leave"}', route: 'default', key: '$default' },
    { message: 'hello', route: 'default', key: '$default' },
    { message: '{"action":"$connect"}', route: 'default', key: '$default' },
    { message: '{"action":"$disconnect"}', route: 'default', key: '$default' },
    { message: '{"action":"$default"}', route: 'default', key: '$default' },
    { message: '{}', route: 'default', key: '$default' },
    { message: '  {"action":"join"}', route: 'join', key: 'join' },
    { message: '', route: 'default', key: '$default' },
    { message: 'true', route: 'default', key: '$default' },
    { message: 'trick', route: 'default', key: '$default' },
  ];
  for (const { message, route, key } of cases) {
    it(`routes ${message} to ${key}`, () => {
      const selection = router.select(message);
      expect(selection.route).toBe(route);
      expect(selection.routeKey).toBe(key);
    });
  }

  it('routes a message given as received, as a Buffer, like its text', () => {
    expect(router.select(Buffer.from('{"action":"join"}')).routeKey).toBe('join');
    expect(router.select(Buffer.from('  {"action":"join"}')).routeKey).toBe('join');
    expect(router.select(Buffer.from('hello')).body).toBe(NOT_JSON);
    expect(router.select(Buffer.from('[1, 2')).body).toBe(NOT_JSON);
    expect(router.select(Buffer.from('{"action":"héllo"}')).body).toEqual({ action: 'héllo' });
  });

  it('marks non-JSON bodies, parsed or not', () => {
    expect(router.select('not json').body).toBe(NOT_JSON);
    expect(router.select('trick').body).toBe(NOT_JSON);
    expect(router.select('[1, 2').body).toBe(NOT_JSON);
    expect(router.select(' [1, 2]').body).toEqual([1, 2]);
    expect(router.select('{"action":"join"}').body).toEqual({ action: 'join' });
  });

  it('has no route when nothing matches and there is no $default', () => {
    const noDefault = new Router(new Map([['join', 'join']]), '$request.body.action');
    expect(noDefault.select('{"action":"nope"}').route).toBeUndefined();
    expect(noDefault.select('plain text').route).toBeUndefined();
    expect(noDefault.select('{"action":"join"}').route).toBe('join');
  });

  it('exposes $connect and $disconnect separately', () => {
    expect(router.connectRoute).toBe('connect');
    expect(router.disconnectRoute).toBe('disconnect');
  });

  it('sends binary messages to $default', () => {
    expect(router.selectBinary().route).toBe('default');
  });

  it('routes by a static expression without parsing', () => {
    const fixed = new Router(new Map([['always', 'always']]), 'always');
    expect(fixed.select('not json').route).toBe('always');
  });
});
