// Keeps docs/errors.md honest: every SWB_ERR_* code of the catalogue is in its table, with the
// catalogue's HTTP status and close code, and the doc names no code that no longer exists.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { allErrorCodes, errorCodes, type ErrorCode } from '@switchboard/protocol';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const rows = new Map(
  [...doc.matchAll(/^\|\s*`(SWB_ERR_[A-Z0-9_]+)`\s*\|([^|]*)\|([^|]*)\|/gm)].map(
    ([, code, status, close]) => [code ?? '', { status: status?.trim(), close: close?.trim() }],
  ),
);

describe('docs/errors.md', () => {
  it('has a row for every code in the catalogue', () => {
    const missing = allErrorCodes.filter((code) => !rows.has(code));
    expect(missing, 'add these codes to docs/errors.md').toEqual([]);
  });

  it('names no code that is not in the catalogue', () => {
    const named = new Set(doc.match(/SWB_ERR_[A-Z0-9_]+/g) ?? []);
    const unknown = [...named].filter((code) => !(code in errorCodes));
    expect(unknown, 'remove these codes from docs/errors.md').toEqual([]);
  });

  it('gives each code the status and close code of the catalogue', () => {
    for (const [code, row] of rows) {
      if (!(code in errorCodes)) continue;
      const spec: { status: number; closeCode?: number } = errorCodes[code as ErrorCode];
      expect(row, code).toEqual({
        status: String(spec.status),
        close: spec.closeCode === undefined ? '—' : String(spec.closeCode),
      });
    }
  });
});
