// Unit tests of the refusal policy: fail at once unless an upstream answered within the
// integration timeout, and one warning per replica per interval, saying which it chose.
import { describe, expect, it } from 'vitest';
import { REFUSAL_LOG_INTERVAL_MS, RefusalPolicy } from './refusal-policy.js';

function recorder(): { warnings: { fields: Record<string, unknown>; message: string }[]; warn(fields: object, message: string): void } {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  return { warnings, warn: (fields, message) => warnings.push({ fields: fields as Record<string, unknown>, message }) };
}

describe('RefusalPolicy', () => {
  it('fails at once when no upstream ever answered, and says so', () => {
    const log = recorder();
    const policy = new RefusalPolicy('message', log);
    expect(policy.keepWaiting(['http://a:1'], 29_000, 1_000_000)).toBe(false);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]?.fields).toEqual({ integration: 'message', refused: ['http://a:1'], code: 'SWB_ERR_BACKEND_UNREACHABLE', lastAnswerMsAgo: null });
    expect(log.warnings[0]?.message).toContain('none has answered since the gateway started');
  });

  it('keeps waiting within the integration timeout of the last answer, then fails at once', () => {
    const log = recorder();
    const policy = new RefusalPolicy('message', log);
    policy.answered(1_000_000);
    expect(policy.keepWaiting(['http://a:1'], 5_000, 1_001_000)).toBe(true);
    expect(log.warnings[0]?.fields).toMatchObject({ lastAnswerMsAgo: 1_000, waitsMs: 4_000 });
    expect(log.warnings[0]?.message).toContain('requests wait up to 4000 ms more');
    expect(policy.keepWaiting(['http://a:1'], 5_000, 1_005_000)).toBe(false);
    // An older answer reported late does not move the last answer back.
    policy.answered(999_000);
    expect(policy.keepWaiting(['http://a:1'], 5_000, 1_005_000)).toBe(false);
  });

  it('names each replica at most once per interval, and a new one at once', () => {
    const log = recorder();
    const policy = new RefusalPolicy('message', log);
    const t = 1_000_000;
    policy.keepWaiting(['http://a:1'], 1_000, t);
    policy.keepWaiting(['http://a:1'], 1_000, t + 1);
    policy.keepWaiting(['http://a:1', 'http://b:2'], 1_000, t + 2);
    policy.keepWaiting(['http://a:1', 'http://b:2'], 1_000, t + REFUSAL_LOG_INTERVAL_MS);
    expect(log.warnings.map((w) => w.fields.refused)).toEqual([['http://a:1'], ['http://b:2'], ['http://a:1']]);
  });

  it('decides the same without a logger', () => {
    const policy = new RefusalPolicy('message', undefined);
    expect(policy.keepWaiting(['http://a:1'], 1_000, 5)).toBe(false);
  });
});
