// Unit tests of the x-sample-delay-ms header: absent, valid, and each kind of bad value.
import { describe, expect, it } from 'vitest';
import { answerDelayOf, MAX_ANSWER_DELAY_MS } from './answer-delay.js';

describe('answerDelayOf', () => {
  it('is 0 without the header, and the number of milliseconds asked for', () => {
    expect(answerDelayOf({})).toEqual({ ok: true, delayMs: 0 });
    expect(answerDelayOf({ 'x-sample-delay-ms': '250' })).toEqual({ ok: true, delayMs: 250 });
    expect(answerDelayOf({ 'x-sample-delay-ms': ` ${MAX_ANSWER_DELAY_MS} ` })).toEqual({ ok: true, delayMs: MAX_ANSWER_DELAY_MS });
  });

  it.each(['abc', '-5', '1.5', '1e3', String(MAX_ANSWER_DELAY_MS + 1), '9999999'])('refuses %j, naming the header and the range', (value) => {
    const result = answerDelayOf({ 'x-sample-delay-ms': value });
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ message: expect.stringContaining(`x-sample-delay-ms must be a whole number of milliseconds from 0 to ${MAX_ANSWER_DELAY_MS}, got "${value}"`) as unknown });
  });
});
