import { describe, expect, it } from 'vitest';
import { isWellFormedId, newId, newTraceId } from './ids.js';

describe('ids', () => {
  it('makes 16-character base64url ids ending in =', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = newId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{15}=$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(11);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
  });

  it('recognises well-formed ids only', () => {
    expect(isWellFormedId('R1kmxc2VNjMCFIA=')).toBe(true);
    expect(isWellFormedId('eHrdFcnvvHcCE-w=')).toBe(true);
    expect(isWellFormedId('R1kmxc2VNjMCFIA')).toBe(false);
    expect(isWellFormedId('R1kmxc2V/jMCFIA=')).toBe(false);
    expect(isWellFormedId('')).toBe(false);
  });

  it('makes AWS-shaped trace ids', () => {
    expect(newTraceId(1_742_085_982_306)).toMatch(/^Root=1-67d61f5e-[0-9a-f]{24}$/);
  });
});
