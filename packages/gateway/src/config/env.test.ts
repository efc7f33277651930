// Unit tests for SWITCHBOARD_* variables: names generated from the schema, and reading values by type.
import { describe, it, expect } from 'vitest';
import { envVarName, envVarTable, readEnv } from './env.js';

describe('envVarName', () => {
  it('joins SWITCHBOARD_ and the path in UPPER_SNAKE, splitting camelCase', () => {
    expect(envVarName(['listen', 'port'])).toBe('SWITCHBOARD_LISTEN_PORT');
    expect(envVarName(['limits', 'maxFrameBytes'])).toBe('SWITCHBOARD_LIMITS_MAX_FRAME_BYTES');
    expect(envVarName(['api', 'routeSelectionExpression'])).toBe(
      'SWITCHBOARD_API_ROUTE_SELECTION_EXPRESSION',
    );
    expect(envVarName(['admin', 'publicURLPath'])).toBe('SWITCHBOARD_ADMIN_PUBLIC_URL_PATH');
  });
});

describe('envVarTable', () => {
  const table = envVarTable();
  const byPath = new Map(table.map((entry) => [entry.path, entry]));

  it('has one variable per leaf, list and map, with type, default and description', () => {
    expect(byPath.get('listen.port')).toMatchObject({
      env: 'SWITCHBOARD_LISTEN_PORT',
      kind: 'integer',
      default: 8080,
    });
    expect(byPath.get('api.stages')).toMatchObject({
      env: 'SWITCHBOARD_API_STAGES',
      kind: 'list',
      default: ['dev'],
    });
    expect(byPath.get('routes')).toMatchObject({ env: 'SWITCHBOARD_ROUTES', kind: 'map', default: {} });
    expect(byPath.get('integrations')?.env).toBe('SWITCHBOARD_INTEGRATIONS');
    expect(byPath.get('log.format')).toMatchObject({ kind: 'enum', default: 'auto' });
    expect(byPath.get('admin.publicUrl')?.default).toBeUndefined();
    for (const entry of table) expect(entry.description, entry.path).not.toBe('');
  });

  it('has no variable for fields inside map items', () => {
    expect(table.some((entry) => entry.path.includes('<'))).toBe(false);
  });

  it('generates unique names', () => {
    expect(new Set(table.map((entry) => entry.env)).size).toBe(table.length);
  });
});

describe('readEnv', () => {
  it('parses values by the type of their setting', () => {
    const { values, issues } = readEnv({
      SWITCHBOARD_LISTEN_PORT: '9000',
      SWITCHBOARD_LISTEN_HOST: '127.0.0.1',
      SWITCHBOARD_LIMITS_BINARY: 'accept',
      SWITCHBOARD_API_STAGES: 'dev, prod',
      SWITCHBOARD_INTEGRATIONS: '{"backend":{"uri":"http://localhost:3000"}}',
      SWITCHBOARD_ROUTES: '{"$default":{"integration":"backend","twoWay":true}}',
    });
    expect(issues).toEqual([]);
    expect(values).toEqual({
      listen: { port: 9000, host: '127.0.0.1' },
      limits: { binary: 'accept' },
      api: { stages: ['dev', 'prod'] },
      integrations: { backend: { uri: 'http://localhost:3000' } },
      routes: { $default: { integration: 'backend', twoWay: true } },
    });
  });

  it('accepts a list as a JSON array', () => {
    expect(readEnv({ SWITCHBOARD_API_STAGES: '["dev", "prod"]' }).values).toEqual({
      api: { stages: ['dev', 'prod'] },
    });
  });

  it('ignores other variables, SWITCHBOARD_CONFIG and empty values', () => {
    const { values, issues } = readEnv({
      PATH: '/bin',
      SWITCHBOARD_CONFIG: 'x.yaml',
      SWITCHBOARD_LISTEN_PORT: '',
      HOME: undefined,
    });
    expect(values).toEqual({});
    expect(issues).toEqual([]);
  });

  it('reports an unknown SWITCHBOARD_* variable by name, with a suggestion for a typo', () => {
    const { issues } = readEnv({ SWITCHBOARD_LISTEN_PROT: '1', SWITCHBOARD_NOTHING_LIKE_IT_AT_ALL: 'x' });
    expect(issues).toEqual([
      {
        path: 'SWITCHBOARD_LISTEN_PROT',
        message: 'unknown environment variable (did you mean SWITCHBOARD_LISTEN_PORT?)',
      },
      { path: 'SWITCHBOARD_NOTHING_LIKE_IT_AT_ALL', message: 'unknown environment variable' },
    ]);
  });

  it('reports values that do not parse, and keeps the others', () => {
    const { values, issues } = readEnv({
      SWITCHBOARD_ROUTES: '{"$default":',
      SWITCHBOARD_INTEGRATIONS: '[1]',
      SWITCHBOARD_LISTEN_PORT: 'eighty',
      SWITCHBOARD_ADMIN_PORT: '9001',
    });
    expect(values).toEqual({ admin: { port: 9001 } });
    expect(issues.map((issue) => issue.path)).toEqual([
      'SWITCHBOARD_ROUTES',
      'SWITCHBOARD_INTEGRATIONS',
      'SWITCHBOARD_LISTEN_PORT',
    ]);
    expect(issues[0]?.message).toMatch(/^not valid JSON .*\(sets routes\)$/);
    expect(issues[1]?.message).toBe('expected a JSON object (sets integrations)');
    expect(issues[2]?.message).toBe('expected a number, got "eighty" (sets listen.port)');
  });
});
