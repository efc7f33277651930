/**
 * Choosing the embedded bus loads neither Redis nor NATS client: ioredis is imported only by
 * src/cluster/redis/, the NATS client only by src/cluster/nats/, and both adapters are reached only
 * through create-bus.ts's dynamic import().
 */
import { describe, expect, it } from 'vitest';
import { importers } from '../helpers/source-imports.js';


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
