// Property-based tests (fast-check) of the VTL engine: any template source parses or fails with
// VtlSyntaxError; any client body rendered through $input stays data (never evaluated) and rendering
// fails, if at all, only with VtlRenderError, within its budgets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VtlSyntaxError } from './vtl-parser.js';
import { VtlRenderError, VtlTemplate } from './vtl-render.js';

const vtlish = fc
  .array(fc.constantFrom('#set(', '#foreach(', '#if(', '#end', '#else', '$', '${', '}', '(', ')', '[', ']', '1..3', '"', "'", ' in ', '$x', '$util.escapeJavaScript(', 'text', '\n', '=', '#break', '##', '#*', '*#'), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('VTL engine (properties)', () => {
  it('parses any source or throws VtlSyntaxError, and renders or throws VtlRenderError', () => {
    fc.assert(
      fc.property(fc.oneof(vtlish, fc.string({ maxLength: 80 })), (source) => {
        let template: VtlTemplate;
        try {
          template = new VtlTemplate(source);
        } catch (error) {
          expect(error).toBeInstanceOf(VtlSyntaxError);
          return;
        }
        try {
          expect(typeof template.render({ x: [1, 2, 3], util: {} })).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(VtlRenderError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('renders any client body as data: directives in it are never evaluated', () => {
    const template = new VtlTemplate('[$body]');
    fc.assert(
      fc.property(fc.oneof(vtlish, fc.string({ maxLength: 200 })), (body) => {
        expect(template.render({ body })).toBe(`[${body}]`);
      }),
      { numRuns: 1000 },
    );
  });

  it('stays within its budgets for nested loops over any client list', () => {
    const template = new VtlTemplate('#foreach($a in $items)#foreach($b in $items)#foreach($c in $items)x#end#end#end');
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 60 }), (items) => {
        const expected = items.length ** 3;
        if (expected + items.length ** 2 + items.length > 10_000) expect(() => template.render({ items })).toThrow(VtlRenderError);
        else expect(template.render({ items })).toBe('x'.repeat(expected));
      }),
      { numRuns: 200 },
    );
  });
});
