/**
 * The core never imports the metrics or scaler libraries: prom-client only under src/metrics/, gRPC
 * only under src/scaler/ (loaded on demand), so the gateway's logic stays free of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function importers(pattern: RegExp): string[] {
  return sourceFiles(src)
    .filter((file) => pattern.test(readFileSync(file, 'utf8')))
    .map((file) => relative(src, file).split('\\').join('/'));
}

describe('dependency boundaries', () => {
  it('only src/metrics imports prom-client', () => {
    const found = importers(/from ['"]prom-client['"]|import\(['"]prom-client['"]\)/);
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((file) => !file.startsWith('metrics/'))).toEqual([]);
  });

  it('only src/scaler/external-scaler.ts imports gRPC, and the rest of the scaler loads it on demand', () => {
    expect(importers(/from ['"]@grpc\//)).toEqual(['scaler/external-scaler.ts']);
    expect(importers(/^import (?!type ).*external-scaler\.js/m)).toEqual([]);
  });
});
