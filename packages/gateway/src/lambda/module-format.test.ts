// Node's rules for a handler file's module format: the extension, else the nearest package.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isEsModule } from './module-format.js';

const root = mkdtempSync(join(tmpdir(), 'swb-module-format-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, text = ''): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

describe('isEsModule', () => {
  it('goes by .mjs and .cjs whatever the package says', () => {
    file('esm/package.json', '{"type":"module"}');
    expect(isEsModule(file('esm/a.cjs'))).toBe(false);
    expect(isEsModule(file('cjs/a.mjs'))).toBe(true);
  });

  it('takes "type" of the nearest package.json for .js, from folders above too', () => {
    file('esm/package.json', '{"type":"module"}');
    expect(isEsModule(file('esm/deep/er/app.js'))).toBe(true);
    file('esm/deep/package.json', '{"name":"no-type"}');
    expect(isEsModule(file('esm/deep/er/app.js'))).toBe(false);
    file('explicit/package.json', '{"type":"commonjs"}');
    expect(isEsModule(file('explicit/app.js'))).toBe(false);
  });

  it('treats an unparsable package.json as giving no type', () => {
    file('broken/package.json', '{not json');
    expect(isEsModule(file('broken/app.js'))).toBe(false);
  });
});
