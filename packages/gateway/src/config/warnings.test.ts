// Unit tests for configuration warnings: no routes at all, and `default`/`connect`/`disconnect` route
// keys written without the `$` of AWS's predefined routes; a usual configuration has none.
import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';
import { configWarnings } from './warnings.js';

const integrations = { backend: { uri: 'http://127.0.0.1:3000/message' } };

describe('configWarnings', () => {
  it('warns when no route is configured, saying what to add', () => {
    const warnings = configWarnings(parseConfig({ integrations }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.path).toBe('routes');
    expect(warnings[0]?.message).toMatch(/^no routes are configured: clients can connect, but every message .* "Forbidden" error frame/);
    expect(warnings[0]?.message).toContain('routes: { $default: { integration: backend } }');
  });

  it('warns about a route key `default` (any case), naming $default as the fix', () => {
    const warnings = configWarnings(
      parseConfig({ integrations, routes: { default: { integration: 'backend' }, Default: { integration: 'backend' } } }),
    );
    expect(warnings.map((warning) => warning.path)).toEqual(['routes.default', 'routes.Default']);
    expect(warnings[0]?.message).toBe(
      'route key "default" is a custom route key: a message reaches it only when its route selection expression evaluates to "default"; ' +
        'the catch-all route is "$default". Write "$default" (with the $; in a shell, inside single quotes, so that the shell does not expand $default)',
    );
  });

  it('warns about `connect` and `disconnect`, which are never called on a connect or a disconnect', () => {
    const warnings = configWarnings(
      parseConfig({ integrations, routes: { connect: { integration: 'backend' }, disconnect: { integration: 'backend' }, $default: { integration: 'backend' } } }),
    );
    expect(warnings.map((warning) => warning.path)).toEqual(['routes.connect', 'routes.disconnect']);
    expect(warnings[0]?.message).toContain('it is never called on a connect');
    expect(warnings[0]?.message).toContain('Write "$connect"');
    expect(warnings[1]?.message).toContain('the disconnect route is "$disconnect"');
  });

  it('has nothing to say about predefined and ordinary custom route keys', () => {
    const config = parseConfig({
      integrations,
      routes: {
        $connect: { integration: 'backend' },
        $default: { integration: 'backend' },
        defaults: { integration: 'backend' },
        sendmessage: { integration: 'backend' },
      },
    });
    expect(configWarnings(config)).toEqual([]);
  });
});
