/**
 * Choosing the embedded bus loads neither Redis nor NATS client: ioredis is imported only by
 * src/cluster/redis/, the NATS client only by src/cluster/nats/, and both adapters are reached only
 * through create-bus.ts's dynamic import().
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

describe('cluster bus dependency boundaries', () => {
  it('only the Redis adapter imports ioredis, only the NATS adapter imports the NATS client', () => {
    expect(importers(/from ['"]ioredis['"]/)).toEqual(['cluster/redis/redis-bus.ts']);
    expect(importers(/from ['"]@nats-io\//)).toEqual(['cluster/nats/nats-bus.ts']);
  });

  it('loads the Redis and NATS adapters only on demand', () => {
    expect(importers(/^import (?!type ).*(redis-bus|nats-bus)\.js/m)).toEqual([]);
    expect(importers(/import\(['"]\.\/(redis\/redis-bus|nats\/nats-bus)\.js['"]\)/)).toEqual([
      'cluster/create-bus.ts',
    ]);
  });
});
