import { describe, expect, it } from 'vitest';
import { parseManagementPath } from './management-path.js';

describe('parseManagementPath', () => {
  const cases: { path: string; expected: ReturnType<typeof parseManagementPath> }[] = [
    { path: '/dev/@connections/R1kmxc2VNjMCFIA%3D', expected: { kind: 'connection', stage: 'dev', connectionId: 'R1kmxc2VNjMCFIA=' } },
    { path: '/dev/%40connections/R1kmxc2VNjMCFIA%3D', expected: { kind: 'connection', stage: 'dev', connectionId: 'R1kmxc2VNjMCFIA=' } },
    { path: '/prod/%40Connections/abc', expected: { kind: 'connection', stage: 'prod', connectionId: 'abc' } },
    { path: '/@connections/R1kmxc2VNjMCFIA=', expected: { kind: 'connection', stage: undefined, connectionId: 'R1kmxc2VNjMCFIA=' } },
    { path: '/%40connections/R1kmxc2VNjMCFIA%3D', expected: { kind: 'connection', stage: undefined, connectionId: 'R1kmxc2VNjMCFIA=' } },
    { path: '/dev/@connections', expected: { kind: 'list', stage: 'dev' } },
    { path: '/dev/@connections/', expected: { kind: 'list', stage: 'dev' } },
    { path: '/@connections', expected: { kind: 'list', stage: undefined } },
    { path: '/dev/@connections/a/b', expected: undefined },
    { path: '/dev/other/abc', expected: undefined },
    { path: '/', expected: undefined },
    { path: '/healthz', expected: undefined },
    { path: '//@connections/x', expected: undefined },
    { path: 'dev/@connections/x', expected: undefined },
    { path: '/dev/@connections/%E0%A4%A', expected: { kind: 'malformed', reason: 'the connection id is not valid percent-encoding' } },
  ];
  for (const { path, expected } of cases) {
    it(`parses ${path}`, () => {
      expect(parseManagementPath(path)).toEqual(expected);
    });
  }
});
