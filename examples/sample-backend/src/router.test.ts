/** Unit tests of endpoint lookup (404 versus 405) and request-target splitting. */
import { describe, expect, it } from 'vitest';
import { jsonReply } from './reply.js';
import { lookupEndpoint, splitTarget, type Endpoint } from './router.js';

const endpoint: Endpoint = { methods: ['GET', 'HEAD'], readBody: false, handle: () => jsonReply(200, {}) };
const endpoints = new Map([['/healthz', endpoint]]);

describe('lookupEndpoint', () => {
  it('finds a path for an allowed method, ignoring a trailing slash', () => {
    expect(lookupEndpoint(endpoints, 'GET', '/healthz')).toEqual({ kind: 'found', endpoint });
    expect(lookupEndpoint(endpoints, 'HEAD', '/healthz/')).toEqual({ kind: 'found', endpoint });
  });

  it('tells an unknown path from a wrong method', () => {
    expect(lookupEndpoint(endpoints, 'GET', '/')).toEqual({ kind: 'not-found' });
    expect(lookupEndpoint(endpoints, 'POST', '/healthz')).toEqual({
      kind: 'method-not-allowed',
      allow: 'GET, HEAD',
    });
  });
});

describe('splitTarget', () => {
  it('splits origin-form and absolute-form targets', () => {
    const { path, query } = splitTarget('/connect?reject=401&x=%20y');
    expect(path).toBe('/connect');
    expect(query.get('reject')).toBe('401');
    expect(query.get('x')).toBe(' y');
    expect(splitTarget('/message').path).toBe('/message');
    expect(splitTarget('http://backend:3000/later?a=1').path).toBe('/later');
  });
});
