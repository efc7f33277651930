// Unit tests for reading the text of one setting (env value or --set value) by the setting's kind.
import { describe, it, expect } from 'vitest';
import { schemaAt } from './settings.js';
import { parseSettingText } from './values.js';

const parse = (path: string, text: string) => {
  const schema = schemaAt(path.split('.'));
  if (schema === undefined) throw new Error(`no setting ${path}`);
  return parseSettingText(schema, text);
};

describe('parseSettingText', () => {
  it('reads numbers with Number and rejects what is not a number', () => {
    expect(parse('listen.port', ' 9000 ')).toEqual({ ok: true, value: 9000 });
    expect(parse('listen.port', '1e3')).toEqual({ ok: true, value: 1000 });
    expect(parse('listen.port', 'abc')).toEqual({ ok: false, message: 'expected a number, got "abc"' });
    expect(parse('listen.port', ' ')).toMatchObject({ ok: false });
  });

  it('reads booleans from true, false, 1 and 0, in any case', () => {
    expect(parse('routes.x.twoWay', 'true')).toEqual({ ok: true, value: true });
    expect(parse('routes.x.twoWay', 'FALSE')).toEqual({ ok: true, value: false });
    expect(parse('routes.x.twoWay', '1')).toEqual({ ok: true, value: true });
    expect(parse('routes.x.twoWay', '0')).toEqual({ ok: true, value: false });
    expect(parse('routes.x.twoWay', 'yes')).toEqual({
      ok: false,
      message: 'expected true, false, 1 or 0, got "yes"',
    });
  });

  it('keeps strings and enum values as they are (the schema checks enums)', () => {
    expect(parse('api.routeSelectionExpression', '$request.body.type')).toEqual({
      ok: true,
      value: '$request.body.type',
    });
    expect(parse('log.format', 'loud')).toEqual({ ok: true, value: 'loud' });
  });

  it('reads lists comma-separated or as JSON', () => {
    expect(parse('api.stages', 'a,b,,c ')).toEqual({ ok: true, value: ['a', 'b', 'c'] });
    expect(parse('api.stages', '["a"]')).toEqual({ ok: true, value: ['a'] });
    expect(parse('api.stages', '[1,')).toMatchObject({ ok: false });
  });

  it('reads maps and sections as JSON objects only', () => {
    expect(parse('integrations.b.requestParameters', '{"k":"v"}')).toEqual({ ok: true, value: { k: 'v' } });
    expect(parse('listen', '{"port":1}')).toEqual({ ok: true, value: { port: 1 } });
    expect(parse('routes', 'null')).toEqual({ ok: false, message: 'expected a JSON object' });
    expect(parse('routes', '{')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^not valid JSON/) as unknown,
    });
  });

  it('cuts a long bad value short in the message', () => {
    const result = parse('listen.port', 'x'.repeat(100));
    expect(result.ok ? '' : result.message).toBe(`expected a number, got "${'x'.repeat(40)}…"`);
  });
});
