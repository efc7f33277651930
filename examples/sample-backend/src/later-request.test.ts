/** Unit tests of the `later` body: defaults, clamping, and the 400 messages. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DELAY_MS, MAX_DELAY_MS, parseLaterRequest } from './later-request.js';

describe('parseLaterRequest', () => {
  it('reads data and delayMs', () => {
    expect(parseLaterRequest('{"action":"later","data":"hi","delayMs":250}')).toEqual({
      ok: true,
      value: { data: 'hi', delayMs: 250 },
    });
  });

  it('defaults data to "later" and delayMs to 100', () => {
    expect(parseLaterRequest(Buffer.from('{"action":"later"}'))).toEqual({
      ok: true,
      value: { data: 'later', delayMs: DEFAULT_DELAY_MS },
    });
    expect(DEFAULT_DELAY_MS).toBe(100);
  });

  it('clamps delayMs to 0..60000 and rounds it', () => {
    expect(parseLaterRequest('{"delayMs":-5}')).toMatchObject({ value: { delayMs: 0 } });
    expect(parseLaterRequest('{"delayMs":1e9}')).toMatchObject({ value: { delayMs: MAX_DELAY_MS } });
    expect(parseLaterRequest('{"delayMs":12.6}')).toMatchObject({ value: { delayMs: 13 } });
    expect(MAX_DELAY_MS).toBe(60_000);
  });

  it('pushes non-string data as JSON text', () => {
    expect(parseLaterRequest('{"data":{"a":[1,2]}}')).toMatchObject({ value: { data: '{"a":[1,2]}' } });
    expect(parseLaterRequest('{"data":42}')).toMatchObject({ value: { data: '42' } });
    expect(parseLaterRequest('{"data":""}')).toMatchObject({ value: { data: '' } });
  });

  it('refuses bodies that are not JSON objects', () => {
    const bad = parseLaterRequest('later please');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.message).toMatch(/^body is not valid JSON: /);
    for (const body of ['[]', 'null', '"later"', '3']) {
      expect(parseLaterRequest(body)).toEqual({
        ok: false,
        message: 'body must be a JSON object like {"action":"later","data":"…","delayMs":100}',
      });
    }
  });

  it('refuses a delayMs that is not a number', () => {
    for (const body of ['{"delayMs":"100"}', '{"delayMs":null}', '{"delayMs":true}']) {
      expect(parseLaterRequest(body)).toEqual({
        ok: false,
        message: 'delayMs must be a number of milliseconds',
      });
    }
  });
});
