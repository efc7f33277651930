/** Unit tests of the `later` body: defaults, bounds, and the 400 and 413 messages. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DELAY_MS, MAX_DATA_BYTES, MAX_DELAY_MS, parseLaterRequest } from './later-request.js';

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

  it('takes delayMs from 0 to 60000, rounded, and refuses any other with 400', () => {
    expect(parseLaterRequest('{"delayMs":0}')).toMatchObject({ value: { delayMs: 0 } });
    expect(parseLaterRequest('{"delayMs":60000}')).toMatchObject({ value: { delayMs: MAX_DELAY_MS } });
    expect(parseLaterRequest('{"delayMs":12.6}')).toMatchObject({ value: { delayMs: 13 } });
    expect(MAX_DELAY_MS).toBe(60_000);
    for (const delay of ['-5', '-0.5', '60000.5', '1e9']) {
      expect(parseLaterRequest(`{"delayMs":${delay}}`)).toEqual({ ok: false, status: 400, message: 'delayMs must be from 0 to 60000 milliseconds' });
    }
  });

  it('takes data up to 128 KB in UTF-8 and refuses more with 413', () => {
    expect(MAX_DATA_BYTES).toBe(131_072);
    expect(parseLaterRequest(JSON.stringify({ data: 'a'.repeat(MAX_DATA_BYTES) }))).toMatchObject({ ok: true });
    expect(parseLaterRequest(JSON.stringify({ data: 'a'.repeat(MAX_DATA_BYTES + 1) }))).toEqual({
      ok: false,
      status: 413,
      message: `data is ${MAX_DATA_BYTES + 1} bytes: at most ${MAX_DATA_BYTES} can be pushed`,
    });
    // Counted in UTF-8 bytes, and as the JSON text that is pushed for non-string data.
    expect(parseLaterRequest(JSON.stringify({ data: 'é'.repeat(MAX_DATA_BYTES / 2 + 1) }))).toMatchObject({ ok: false, status: 413 });
    expect(parseLaterRequest(JSON.stringify({ data: ['a'.repeat(MAX_DATA_BYTES - 3)] }))).toMatchObject({ ok: false, status: 413 });
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
        status: 400,
        message: 'body must be a JSON object like {"action":"later","data":"…","delayMs":100}',
      });
    }
  });

  it('refuses a delayMs that is not a number', () => {
    for (const body of ['{"delayMs":"100"}', '{"delayMs":null}', '{"delayMs":true}']) {
      expect(parseLaterRequest(body)).toEqual({
        ok: false,
        status: 400,
        message: 'delayMs must be a number of milliseconds',
      });
    }
  });
});
