/**
 * Whether a handler file is an ES module, by Node's rules: `.mjs` is, `.cjs` is not, and `.js`
 * follows `"type"` in the nearest package.json. The worker installs the ESM resolve hook of the
 * provided SDK only for ES modules, since CommonJS `require` needs no hook (and a hook costs each
 * new execution environment a loader thread).
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

export function isEsModule(modulePath: string): boolean {
  const extension = extname(modulePath);
  if (extension === '.mjs') return true;
  if (extension === '.cjs') return false;
  for (let dir = dirname(modulePath); ; dir = dirname(dir)) {
    const type = packageType(join(dir, 'package.json'));
    if (type !== undefined) return type === 'module';
    if (dirname(dir) === dir) return false;
  }
}

/** The `"type"` of a package.json ('' when it has none), or undefined when there is no readable file. */
function packageType(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as { type?: unknown };
    return typeof parsed.type === 'string' ? parsed.type : '';
  } catch {
    // Node refuses to load a module under an unparsable package.json; the import will say so.
    return '';
  }
}
