// Unit and property tests for json-bytes.ts: every string and every byte sequence is written as the
// UTF-8 of JSON.stringify, at any offset of a buffer holding other bytes, within the most bytes
// announced, and nothing past its end is touched.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonStringMostBytes, utf8JsonStringMostBytes, writeJsonString, writeUtf8AsJsonString } from './json-bytes.js';

/** Writes with `write` at offset 7 of a buffer of 0xee bytes; returns the written text, checking the bounds. */
function written(most: number, write: (into: Buffer, at: number) => number): string {
  const into = Buffer.alloc(7 + most + 5, 0xee);
  const end = write(into, 7);
  expect(end - 7).toBeLessThanOrEqual(most);
  expect(into.subarray(0, 7).every((byte) => byte === 0xee)).toBe(true);
  expect(into.subarray(end).every((byte) => byte === 0xee)).toBe(true);
  return into.subarray(7, end).toString();
}

const viaString = (text: string) => written(jsonStringMostBytes(text), (into, at) => writeJsonString(into, at, text));
const viaBytes = (bytes: Uint8Array) => written(utf8JsonStringMostBytes(bytes), (into, at) => writeUtf8AsJsonString(into, at, bytes));

const TRICKY = [
  '',
  'R1knPH17NjMFftw=',
  '$default',
  'quote " backslash \\ slash / </script>',
  'newline \n cr \r tab \t backspace \b formfeed \f nul \u0000 unit sep \u001f del \u007f',
  'line sep \u2028 para sep \u2029 é 漢字 emoji 😀',
  'lone surrogates \ud800 and \udfff',
  '{"action":"sendmessage","data":"hi"}',
];

describe('writeJsonString', () => {
  it.each(TRICKY)('writes JSON.stringify(%j)', (text) => {
    expect(viaString(text)).toBe(JSON.stringify(text));
  });

  it('writes any string as JSON.stringify does', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => viaString(text) === JSON.stringify(text)));
  });
});

describe('writeUtf8AsJsonString', () => {
  it.each(TRICKY)('writes the UTF-8 of %j as JSON.stringify of its text', (text) => {
    expect(viaBytes(Buffer.from(text))).toBe(JSON.stringify(Buffer.from(text).toString()));
  });

  it('escapes each byte below 0x20 as JSON.stringify does', () => {
    const every = Buffer.from(Array.from({ length: 0x80 }, (_, byte) => byte));
    expect(viaBytes(every)).toBe(JSON.stringify(every.toString()));
  });

  it('writes bytes that are not UTF-8 as their decoded text (U+FFFD), as JSON.stringify of it', () => {
    const bad = Buffer.from([0x61, 0x22, 0xc3, 0x28, 0xff, 0x0a, 0x62]);
    expect(viaBytes(bad)).toBe(JSON.stringify(bad.toString()));
    expect(viaBytes(bad)).toBe('"a\\"\ufffd(\ufffd\\nb"');
  });

  it('takes a view into a larger buffer, and writes any bytes as JSON.stringify of their text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(20), (bytes, skip) => {
        const view = Buffer.concat([Buffer.alloc(skip, 0x22), bytes]).subarray(skip);
        return viaBytes(view) === JSON.stringify(Buffer.from(bytes).toString());
      }),
    );
  });
});
