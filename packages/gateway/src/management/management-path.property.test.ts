// Property-based tests (fast-check) of the management API path parser: any path parses without
// throwing, and any connection id and stage round-trip through percent-encoding, with `@` or `%40`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManagementPath } from './management-path.js';

const stage = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const connectionId = fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' });

describe('management path parser (properties)', () => {
  it('never throws, whatever the path', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (path) => {
        const parsed = parseManagementPath(path);
        if (parsed !== undefined) expect(['connection', 'list', 'malformed']).toContain(parsed.kind);
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips any id and stage, with @ or %40', () => {
    fc.assert(
      fc.property(fc.option(stage, { nil: undefined }), connectionId, fc.constantFrom('@connections', '%40connections', '%40CONNECTIONS'), (name, id, segment) => {
        const path = `${name === undefined ? '' : `/${name}`}/${segment}/${encodeURIComponent(id)}`;
        expect(parseManagementPath(path)).toEqual({ kind: 'connection', stage: name, connectionId: id });
      }),
      { numRuns: 1000 },
    );
  });

  it('reports a malformed encoding as malformed, never as another id', () => {
    fc.assert(
      fc.property(stage, fc.string({ maxLength: 10 }), (name, prefix) => {
        const parsed = parseManagementPath(`/${name}/@connections/${encodeURIComponent(prefix)}%E0%A4`);
        expect(parsed).toEqual({ kind: 'malformed', reason: 'the connection id is not valid percent-encoding' });
      }),
      { numRuns: 300 },
    );
  });
});
