// Unit tests: connection ids carry their node's tag and keep AWS's 16-character shape.
import { describe, expect, it } from 'vitest';
import { isWellFormedId } from '../connections/ids.js';
import { newNodeTag, ownerTagOf, TaggedIds } from './node-tag.js';

describe('tagged connection ids', () => {
  it('keep the AWS shape and carry the tag of the node that made them', () => {
    const tag = newNodeTag();
    expect(tag).toMatch(/^[0-9a-f]{8}$/);
    const ids = new TaggedIds(tag);
    const made = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = ids.next();
      expect(id).toHaveLength(16);
      expect(isWellFormedId(id)).toBe(true);
      expect(ownerTagOf(id)).toBe(tag);
      made.add(id);
    }
    expect(made.size).toBe(2000);
  });

  it('tells nodes apart and reads no tag from a malformed id', () => {
    const a = new TaggedIds('00000001');
    const b = new TaggedIds('ffffffff');
    expect(ownerTagOf(a.next())).toBe('00000001');
    expect(ownerTagOf(b.next())).toBe('ffffffff');
    expect(ownerTagOf('short=')).toBeUndefined();
    expect(ownerTagOf('R1kmxc2VNjMCFIA')).toBeUndefined();
  });
});
