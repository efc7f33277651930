// The dispatch settings: defaults, and each bad value reported with its path as SWB_ERR_CONFIG_INVALID.
import { describe, expect, it } from 'vitest';
import { hasCode } from '../errors.js';
import { parseConfig } from './load.js';

function problems(input: Record<string, unknown>): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    if (!hasCode(error, 'SWB_ERR_CONFIG_INVALID')) throw error;
    return error.message.split('\n').slice(1);
  }
  throw new Error('the configuration was accepted');
}

describe('dispatch settings', () => {
  it('bounds queues by count and bytes per connection and by bytes per node by default', () => {
    const { dispatch } = parseConfig({});
    expect(dispatch).toEqual({ concurrency: 1, maxQueued: 64, maxQueuedBytes: 1_048_576, maxQueuedBytesTotal: 67_108_864 });
  });

  it('reports a per-connection byte bound above the node budget', () => {
    expect(problems({ dispatch: { maxQueuedBytes: 2_000_000, maxQueuedBytesTotal: 1_000_000 } })).toEqual(['dispatch.maxQueuedBytes: must not exceed dispatch.maxQueuedBytesTotal']);
  });

  it('reports zero, negative, fractional and non-numeric byte bounds, each with its path', () => {
    const lines = problems({ dispatch: { maxQueuedBytes: 0, maxQueuedBytesTotal: 'lots' } });
    expect(lines.some((line) => line.startsWith('dispatch.maxQueuedBytes: '))).toBe(true);
    expect(lines.some((line) => line.startsWith('dispatch.maxQueuedBytesTotal: '))).toBe(true);
    expect(problems({ dispatch: { maxQueuedBytes: 1.5 } }).some((line) => line.startsWith('dispatch.maxQueuedBytes: '))).toBe(true);
    expect(problems({ dispatch: { maxQueuedBytesTotal: -1 } }).some((line) => line.startsWith('dispatch.maxQueuedBytesTotal: '))).toBe(true);
  });
});
