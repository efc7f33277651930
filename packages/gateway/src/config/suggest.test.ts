// Unit tests for "did you mean …?": the edit distance (swaps count once) and the nearest-name choice.
import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps of neighbours', () => {
    expect(editDistance('port', 'port')).toBe(0);
    expect(editDistance('integration', 'integrations')).toBe(1);
    expect(editDistance('timeotMs', 'timeoutMs')).toBe(1);
    expect(editDistance('host', 'hast')).toBe(1);
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('closestName', () => {
  const sections = ['listen', 'admin', 'api', 'routes', 'integrations', 'limits'];

  it('finds the nearest candidate within a third of the name, ignoring case', () => {
    expect(closestName('integration', sections)).toBe('integrations');
    expect(closestName('route', sections)).toBe('routes');
    expect(closestName('lisen', sections)).toBe('listen');
    expect(closestName('twoway', ['integration', 'twoWay'])).toBe('twoWay');
  });

  it('offers nothing when no candidate is near enough, or there are none', () => {
    expect(closestName('bogus', sections)).toBeUndefined();
    expect(closestName('x', ['y', 'z'])).toBeUndefined();
    expect(closestName('anything', [])).toBeUndefined();
  });

  it('takes an explicit limit and prefers the nearer, then the earlier, candidate', () => {
    expect(closestName('SWITCHBOARD_LISTEN_PROT', ['SWITCHBOARD_LISTEN_HOST', 'SWITCHBOARD_LISTEN_PORT'], 3)).toBe(
      'SWITCHBOARD_LISTEN_PORT',
    );
    expect(closestName('abcd', ['abxy'], 1)).toBeUndefined();
    expect(closestName('hots', ['host', 'hots2'])).toBe('host');
    expect(closestName('cat', ['bat', 'rat'])).toBe('bat');
  });
});
