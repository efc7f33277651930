// JSONPath for $input.path / $input.json within a budget: crafted bodies (deep nesting, chained deep
// scans whose matches contain each other, wide values) stop with JsonPathBudgetError after at most the
// budget's values visited, before any text or copy of the result is made. Measured by values visited.
import { describe, expect, it } from 'vitest';
import type { IntegrationEvent } from '../../integrations/integration-event.js';
import { inputVariable } from './api-gateway-variables.js';
import { evaluateJsonPath, jsonPathBudget, JsonPathBudgetError } from './json-path.js';
import { VtlRenderError, VtlTemplate } from './vtl-render.js';

/** `{"a":{"a":…{"a":1}}}` nested `depth` times, as text (what a client sends). */
function nestedText(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const event: IntegrationEvent = {
  eventType: 'MESSAGE',
  routeKey: '$default',
  connectionId: 'c',
  stage: 'dev',
  connectedAt: 0,
  handshake: { headers: {}, rawQuery: '', sourceIp: '127.0.0.1', userAgent: '', forwardedFor: '127.0.0.1' },
  requestId: 'r',
  requestTimeEpoch: 0,
  managementUrl: 'http://127.0.0.1:8081/dev',
};

describe('JSONPath within a budget', () => {
  it('evaluates ordinary paths as before, in document order, counting the values it visits', () => {
    const budget = jsonPathBudget();
    const root = { pets: [{ type: 'dog', toys: [{ type: 'ball' }] }, { type: 'cat' }], type: 'house' };
    expect(evaluateJsonPath(root, '$..type', budget)).toEqual(['house', 'dog', 'ball', 'cat']);
    expect(evaluateJsonPath(root, '$.pets[*].type', budget)).toEqual(['dog', 'cat']);
    expect(evaluateJsonPath(root, '$.pets[-1]', budget)).toEqual({ type: 'cat' });
    expect(budget.nodesVisited).toBeGreaterThan(0);
    expect(budget.nodesVisited).toBeLessThan(50);
  });

  it('stops a deep scan whose matches nest (text quadratic in the body) after the budget, before any text', () => {
    const depth = 3000; // 18 KB: `$..a` matches 3000 values of up to 3000 levels, 13.5 million characters as JSON
    const budget = jsonPathBudget({ maxNodes: 200_000 });
    expect(() => evaluateJsonPath(JSON.parse(nestedText(depth)), '$..a', budget)).toThrow(JsonPathBudgetError);
    // Unbudgeted, measuring (or stringifying) the matches alone visits depth × (depth + 1) / 2 values.
    expect((depth * (depth + 1)) / 2).toBeGreaterThan(4_000_000);
    expect(budget.nodesVisited).toBeLessThanOrEqual(200_001);
  });

  it('stops chained deep scans (cubic work) after the budget', () => {
    const budget = jsonPathBudget({ maxNodes: 50_000 });
    expect(() => evaluateJsonPath(JSON.parse(nestedText(400)), '$..a..a..a', budget)).toThrow(/visited more values than the render's budget/);
    expect(budget.nodesVisited).toBeLessThanOrEqual(50_001);
  });

  it('refuses a result nested deeper than maxResultDepth instead of overflowing the stack, after visiting about that many values', () => {
    const budget = jsonPathBudget();
    const root: unknown = JSON.parse(`${'['.repeat(60_000)}${']'.repeat(60_000)}`);
    expect(() => evaluateJsonPath(root, '$', budget)).toThrow(/nests deeper than 1000 levels/);
    expect(budget.nodesVisited).toBeLessThanOrEqual(1002);
    expect(() => evaluateJsonPath(JSON.parse(nestedText(999)), '$', jsonPathBudget())).not.toThrow();
  });

  it('refuses a result longer than maxResultChars, having visited only what it measured', () => {
    const budget = jsonPathBudget({ maxResultChars: 1000 });
    const wide = Array.from({ length: 100_000 }, () => 'xx');
    expect(() => evaluateJsonPath(wide, '$[*]', budget)).toThrow(/longer than 1000 characters/);
    expect(budget.nodesVisited).toBeLessThan(100_000 + 300);
    expect(() => evaluateJsonPath({ s: 'y'.repeat(2000) }, '$.s', jsonPathBudget({ maxResultChars: 1000 }))).toThrow(JsonPathBudgetError);
  });

  it('shares one budget among all the $input calls of a render, and fails the render with a VtlRenderError', () => {
    const body = JSON.stringify({ items: Array.from({ length: 10_000 }, (_, i) => i) });
    const input = inputVariable(body, event, { maxNodes: 25_000 });
    const render = (source: string) => new VtlTemplate(source).render({ input });
    expect(render(`$input.path('$.items').size()`)).toBe('10000');
    expect(render(`$input.json('$.items[2]')`)).toBe('2');
    expect(() => render(`$input.json('$.items')$input.json('$.items')`)).toThrow(VtlRenderError);
    expect(() => new VtlTemplate(`$input.json('$..a')`).render({ input: inputVariable(nestedText(3000), event) })).toThrow(/\$input.path \/ \$input.json: JSONPath "\$..a"/);
    // A fresh render (a new $input) has its whole budget again.
    expect(new VtlTemplate(`$input.json('$.items[9999]')`).render({ input: inputVariable(body, event) })).toBe('9999');
  });
});
