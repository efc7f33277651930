/**
 * JSON strings written as UTF-8 straight into a Buffer, byte for byte what `JSON.stringify` would
 * encode, without building the text first: the per-message path of AWS_PROXY events
 * (aws-proxy-event.ts), where a concatenated string would cost more to flatten and encode than
 * writing its pieces does.
 */
import { isUtf8 } from 'node:buffer';

/** The most bytes `writeJsonString(text)` can take: quotes, and 6 (`\u001f`) per UTF-16 unit. */
export function jsonStringMostBytes(text: string): number {
  return 2 + 6 * text.length;
}

/** The most bytes `writeUtf8AsJsonString(bytes)` can take: quotes, and 6 (`\u001f`) per byte. */
export function utf8JsonStringMostBytes(bytes: Uint8Array): number {
  return 2 + 6 * bytes.length;
}

/**
 * Writes `JSON.stringify(text)` at `at` as UTF-8; returns where it ends. Printable ASCII without
 * quote or backslash (ids, route keys, stages) is copied as it is; anything else goes through
 * `JSON.stringify`.
 */
export function writeJsonString(into: Buffer, at: number, text: string): number {
  const length = text.length;
  into[at] = QUOTE;
  for (let i = 0; i < length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH)
      return at + into.write(JSON.stringify(text), at);
    into[at + 1 + i] = code;
  }
  into[at + 1 + length] = QUOTE;
  return at + length + 2;
}

/**
 * Writes `JSON.stringify(bytes.toString())` at `at`: the UTF-8 bytes with `"`, `\` and control
 * characters escaped as `JSON.stringify` escapes them. Bytes that are not valid UTF-8 go through the
 * decoded string, so they become U+FFFD as they would there.
 */
export function writeUtf8AsJsonString(into: Buffer, at: number, bytes: Uint8Array): number {
  const length = bytes.length;
  let plain = 0;
  while (plain < length) {
    const byte = bytes[plain] as number;
    if (byte < 0x20 || byte === QUOTE || byte === BACKSLASH) break;
    plain += 1;
  }
  if (!isUtf8(bytes)) return at + into.write(JSON.stringify(Buffer.from(bytes).toString()), at);
  into[at] = QUOTE;
  into.set(plain === length ? bytes : bytes.subarray(0, plain), at + 1);
  let out = at + 1 + plain;
  for (let i = plain; i < length; i += 1) {
    const byte = bytes[i] as number;
    if (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH) into[out++] = byte;
    else out = writeEscape(into, out, byte);
  }
  into[out] = QUOTE;
  return out + 1;
}

/** `\"`, `\\`, the short escapes JSON has (`\b \t \n \f \r`) and `\u00XX` (lower-case hex) for the rest. */
function writeEscape(into: Buffer, at: number, byte: number): number {
  into[at] = BACKSLASH;
  const short = SHORT_ESCAPES[byte] as number;
  if (short !== 0) {
    into[at + 1] = short;
    return at + 2;
  }
  into[at + 1] = 0x75; // u
  into[at + 2] = 0x30;
  into[at + 3] = 0x30;
  into[at + 4] = HEX[byte >> 4] as number;
  into[at + 5] = HEX[byte & 0xf] as number;
  return at + 6;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** By byte: the letter after the backslash of its short escape, 0 when it has none. */
const SHORT_ESCAPES = new Uint8Array(BACKSLASH + 1);
for (const [byte, letter] of [[0x08, 'b'], [0x09, 't'], [0x0a, 'n'], [0x0c, 'f'], [0x0d, 'r'], [QUOTE, '"'], [BACKSLASH, '\\']] as const)
  SHORT_ESCAPES[byte] = letter.charCodeAt(0);
