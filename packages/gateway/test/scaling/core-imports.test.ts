/**
 * The core never imports the metrics or scaler libraries: prom-client only under src/metrics/, gRPC
 * only under src/scaler/ (loaded on demand), so the gateway's logic stays free of them.
 */
import { describe, expect, it } from 'vitest';
import { importers } from '../helpers/source-imports.js';


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
