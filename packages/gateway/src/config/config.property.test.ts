// Property-based tests (fast-check) of the configuration loader: any JSON input is either a config
// or a list of problems, each with a path, never an exception; unknown keys are named; every valid
// setting of a few numeric limits round-trips.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasCode } from '../errors.js';
import { parseConfig } from './load.js';

const sections = ['listen', 'admin', 'api', 'routes', 'integrations', 'limits', 'timeouts', 'dispatch', 'shutdown', 'log', 'security', 'backpressure', 'throttling', 'tls', 'cluster'];

describe('configuration loader (properties)', () => {
  it('turns any JSON object into a config or SWB_ERR_CONFIG_INVALID with paths, never another error', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...sections), fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }), (input) => {
        try {
          const config = parseConfig(input);
          expect(Object.isFrozen(config)).toBe(true);
        } catch (error) {
          expect(hasCode(error, 'SWB_ERR_CONFIG_INVALID')).toBe(true);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('names every unknown top-level key in its problems', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{3,10}$/).filter((key) => !sections.includes(key) && !['authorizers', 'functions', 'models', 'accessLog', 'scaler', 'metrics'].includes(key)), (key) => {
        expect(() => parseConfig({ [key]: 1 })).toThrow(key);
      }),
      { numRuns: 200 },
    );
  });

  it('accepts every in-range limit and reports every out-of-range one at its path', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 1_000_000 }), fc.integer({ min: -10, max: 1_000_000 }), (frame, message) => {
        const valid = frame >= 0 && message >= 1 && frame <= message;
        if (valid) expect(parseConfig({ limits: { maxFrameBytes: frame, maxMessageBytes: message } }).limits).toMatchObject({ maxFrameBytes: frame, maxMessageBytes: message });
        else expect(() => parseConfig({ limits: { maxFrameBytes: frame, maxMessageBytes: message } })).toThrow(/limits\.max(Frame|Message)Bytes/);
      }),
      { numRuns: 300 },
    );
  });
});
