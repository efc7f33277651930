/**
 * Turns the text of one setting, from a `SWITCHBOARD_*` variable or a `--set path=value` flag, into
 * a value of the setting's kind. Only the syntax is checked here; ranges and formats are the schema's.
 */
import { itemSchema, kindOf, type JsonSchema } from './settings.js';

export type ParsedValue =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/**
 * Parse `text` by the kind of `schema`: numbers with `Number`; booleans from `true`, `false`, `1`, `0`;
 * lists from `a,b,c` or a JSON array; maps and sections from a JSON object; strings and enums as is.
 */
export function parseSettingText(schema: JsonSchema, text: string): ParsedValue {
  const kind = kindOf(schema);
  switch (kind) {
    case 'string':
    case 'enum':
      return { ok: true, value: text };
    case 'integer':
    case 'number': {
      const value = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, message: `expected a number, got ${quote(text)}` };
    }
    case 'boolean': {
      const value = booleans[text.trim().toLowerCase()];
      return value === undefined
        ? { ok: false, message: `expected true, false, 1 or 0, got ${quote(text)}` }
        : { ok: true, value };
    }
    case 'list':
      return text.trim().startsWith('[') ? parseJson(text, 'array') : parseCommaList(schema, text);
    case 'map':
    case 'section':
      return parseJson(text, 'object');
  }
}

const booleans: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false };

function parseCommaList(schema: JsonSchema, text: string): ParsedValue {
  const item = itemSchema(schema);
  const values: unknown[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const parsed = item === undefined ? ({ ok: true, value: part } as const) : parseSettingText(item, part);
    if (!parsed.ok) return parsed;
    values.push(parsed.value);
  }
  return { ok: true, value: values };
}

function parseJson(text: string, expected: 'array' | 'object'): ParsedValue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      message: `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const isArray = Array.isArray(value);
  const matches = expected === 'array' ? isArray : typeof value === 'object' && value !== null && !isArray;
  return matches ? { ok: true, value } : { ok: false, message: `expected a JSON ${expected}` };
}

/** The text in quotes, cut short: values may be long, and are echoed back in an error. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
