// Unit tests for parseConfig, loadConfig (file < env < overrides, frozen result) and parseSetFlag.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { GatewayError } from '../errors.js';
import { isConfigInvalid, type ConfigIssue } from './issues.js';
import { loadConfig, parseConfig, parseSetFlag } from './load.js';

/** The error `run` throws (fails the test when it does not throw). */
function thrown(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function issuesOf(error: unknown): readonly ConfigIssue[] {
  if (!isConfigInvalid(error)) throw new Error(`not SWB_ERR_CONFIG_INVALID: ${String(error)}`);
  return error.issues;
}

const backend = { integrations: { backend: { uri: 'http://localhost:3000/events' } } };

describe('parseConfig', () => {
  it('fills in every default', () => {
    const config = parseConfig({});
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.api.stages).toEqual(['dev']);
    expect(config.limits.maxFrameBytes).toBe(32_768);
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
  });

  it('returns a deep-frozen configuration', () => {
    const config = parseConfig({ ...backend, routes: { $default: { integration: 'backend' } } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.listen)).toBe(true);
    expect(Object.isFrozen(config.api.stages)).toBe(true);
    expect(Object.isFrozen(config.routes.$default)).toBe(true);
    expect(Object.isFrozen(config.integrations.backend?.requestParameters)).toBe(true);
    expect(() => {
      (config.listen as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('reports every problem at once, each with its path', () => {
    const error = thrown(() =>
      parseConfig({
        listen: { port: 'eighty', bogus: true },
        limits: { maxFrameBytes: 200_000, maxMessageBytes: 100_000 },
        routes: { $default: { integration: 'x' } },
        api: { stages: ['dev'], defaultStage: 'prod' },
        nonsense: 1,
      }),
    );
    expect(error.code).toBe('SWB_ERR_CONFIG_INVALID');
    expect(error.status).toBe(500);
    const issues = issuesOf(error);
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        'nonsense',
        'api.defaultStage',
        'limits.maxFrameBytes',
        'listen.bogus',
        'listen.port',
        'routes.$default.integration',
      ].sort(),
    );
    expect(issues).toContainEqual({
      path: 'listen.bogus',
      message: 'unrecognized key (the keys here are `host`, `port`)',
    });
    expect(issues).toContainEqual({
      path: 'routes.$default.integration',
      message: 'unknown integration "x": no integrations are defined (add one under integrations)',
    });
    expect(issues).toContainEqual({
      path: 'limits.maxFrameBytes',
      message: 'must not exceed limits.maxMessageBytes',
    });
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Invalid configuration (6 problems):');
    for (const issue of issues) expect(lines).toContain(`${issue.path}: ${issue.message}`);
  });

  it('does not take an inherited property name for an integration', () => {
    const issues = issuesOf(thrown(() => parseConfig({ routes: { $default: { integration: 'toString' } } })));
    expect(issues).toEqual([
      {
        path: 'routes.$default.integration',
        message: 'unknown integration "toString": no integrations are defined (add one under integrations)',
      },
    ]);
  });

  it('compiles the route selection expression and request parameters, reporting both at once', () => {
    const issues = issuesOf(
      thrown(() =>
        parseConfig({
          api: { routeSelectionExpression: '${request.body.action' },
          integrations: {
            backend: { uri: 'http://localhost:3000/x', requestParameters: { 'integration.request.header.a': 'nowhere.x', 'bad.key': "'v'" } },
          },
        }),
      ),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['api.routeSelectionExpression', 'integrations.backend.requestParameters']);
    expect(issues[0]?.message).toContain('cannot parse');
    expect(issues[1]?.message).toContain('unknown source "nowhere.x"');
  });

  it('rejects custom route keys starting with $ and unknown context variables', () => {
    const issues = issuesOf(
      thrown(() =>
        parseConfig({
          routes: { $custom: { integration: 'backend' } },
          integrations: { backend: { uri: 'http://localhost:3000/x', requestParameters: { 'integration.request.header.a': 'context.nope' } } },
        }),
      ),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['routes.$custom', 'integrations.backend.requestParameters']);
    expect(issues[1]?.message).toContain('unknown context variable "nope"');
  });

  it('reports out-of-range values and bad formats with the zod message', () => {
    const issues = issuesOf(
      thrown(() =>
        parseConfig({
          limits: { maxFrameBytes: -1 },
          admin: { publicUrl: 'ftp://x' },
          api: { stages: ['a b'], apiId: 'my api\r\nx-evil: 1' },
        }),
      ),
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'admin.publicUrl',
      'api.apiId',
      'api.stages[0]',
      'limits.maxFrameBytes',
    ]);
    expect(issues[1]?.message).toContain('sent in HTTP headers');
    expect(issues[3]?.message).toMatch(/^Too small/);
  });

  it('reports a missing required field of a map item', () => {
    const issues = issuesOf(thrown(() => parseConfig({ integrations: { backend: { method: 'POST' } } })));
    expect(issues).toEqual([
      { path: 'integrations.backend.uri', message: expect.stringContaining('expected string') as unknown },
    ]);
  });

  it('reports a value that is not a mapping at the root', () => {
    expect(issuesOf(thrown(() => parseConfig([]))).map((issue) => issue.path)).toEqual(['(root)']);
  });
});

describe('loadConfig', () => {
  let dir = '';
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-config-'));
    await writeFile(
      file('gateway.yaml'),
      [
        'listen:',
        '  port: 9000',
        '  host: 127.0.0.1',
        'api:',
        '  stages: [dev, prod, test]',
        'integrations:',
        '  backend:',
        '    uri: http://localhost:3000/events',
        'routes:',
        '  $default:',
        '    integration: backend',
        '  $connect:',
        '    integration: backend',
        'log:',
        '  level: debug',
        '',
      ].join('\n'),
    );
    await writeFile(file('bad.yaml'), 'listen:\n  port: 9000\n  host: [a,\nlog: x\n');
    await writeFile(file('empty.yaml'), '# nothing yet\n');
    await writeFile(file('list.yaml'), '- a\n- b\n');
    await writeFile(file('typo.yaml'), 'listen:\n  prot: 9000\n');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('merges defaults < file < env < overrides', async () => {
    const config = await loadConfig({
      file: file('gateway.yaml'),
      env: {
        SWITCHBOARD_LISTEN_PORT: '9100',
        SWITCHBOARD_LOG_FORMAT: 'json',
        SWITCHBOARD_ROUTES: '{"$default":{"integration":"backend","twoWay":true}}',
      },
      overrides: { log: { format: 'pretty' }, api: { stages: ['prod'] } },
    });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 9100 }); // file host, env port
    expect(config.log).toEqual({ level: 'debug', format: 'pretty' }); // file level, override format
    expect(config.api.stages).toEqual(['prod']); // lists replace
    // toMatchObject: routes also carry the defaults of later route settings (authorizationType, …).
    expect(config.routes).toMatchObject({
      $default: { integration: 'backend', twoWay: true }, // merged by key: env wins for $default
      $connect: { integration: 'backend', twoWay: false }, // the file's $connect is kept
    });
    expect(config.limits.maxMessageBytes).toBe(131_072); // default
  });

  it('returns a deep-frozen configuration', async () => {
    const config = await loadConfig({ file: file('gateway.yaml') });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.routes)).toBe(true);
    expect(Object.isFrozen(config.routes.$connect)).toBe(true);
    expect(Object.isFrozen(config.api.stages)).toBe(true);
  });

  it('applies a list of overrides in order, skipping undefined values', async () => {
    const config = await loadConfig({
      overrides: [
        parseSetFlag('listen.port=1'),
        parseSetFlag('listen.port=2'),
        { listen: { host: undefined } },
      ],
    });
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 2 });
  });

  it('reads the file named by SWITCHBOARD_CONFIG when no file is given', async () => {
    const config = await loadConfig({ env: { SWITCHBOARD_CONFIG: file('gateway.yaml') } });
    expect(config.listen.port).toBe(9000);
  });

  it('works with no file, env or overrides', async () => {
    await expect(loadConfig()).resolves.toMatchObject({ listen: { port: 8080 } });
    await expect(loadConfig({ file: file('empty.yaml') })).resolves.toMatchObject({ listen: { port: 8080 } });
  });

  it('reports env problems and schema problems together', async () => {
    const error = await rejection(
      loadConfig({
        file: file('typo.yaml'),
        env: {
          SWITCHBOARD_LISTEN_PROT: '1',
          SWITCHBOARD_ROUTES: '{bad json',
          SWITCHBOARD_ADMIN_PORT: '70000',
        },
        overrides: { routes: { $default: { integration: 'nowhere' } } },
      }),
    );
    expect(error.code).toBe('SWB_ERR_CONFIG_INVALID');
    expect(issuesOf(error).map((issue) => issue.path)).toEqual([
      'SWITCHBOARD_LISTEN_PROT',
      'SWITCHBOARD_ROUTES',
      'listen.prot',
      'admin.port',
      'routes.$default.integration',
    ]);
    expect(error.message).toContain(
      'SWITCHBOARD_LISTEN_PROT: unknown environment variable (did you mean SWITCHBOARD_LISTEN_PORT?)',
    );
    expect(error.message).toContain('listen.prot: unrecognized key');
  });

  it('reports a file that is not a mapping', async () => {
    const issues = issuesOf(await rejection(loadConfig({ file: file('list.yaml') })));
    expect(issues).toEqual([
      { path: file('list.yaml'), message: expect.stringContaining('mapping') as unknown },
    ]);
  });

  it('fails with SWB_ERR_CONFIG_UNREADABLE naming the line for bad YAML', async () => {
    const error = await rejection(loadConfig({ file: file('bad.yaml') }));
    expect(error.code).toBe('SWB_ERR_CONFIG_UNREADABLE');
    expect(error.message).toContain(file('bad.yaml'));
    expect(error.message).toMatch(/is not valid YAML at line 4, column \d+: /);
  });

  it('fails with SWB_ERR_CONFIG_UNREADABLE for a missing file', async () => {
    const error = await rejection(loadConfig({ file: file('missing.yaml') }));
    expect(error.code).toBe('SWB_ERR_CONFIG_UNREADABLE');
    expect(error.message).toBe(`Config file ${file('missing.yaml')} does not exist`);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('fails with SWB_ERR_CONFIG_UNREADABLE for a file that cannot be read', async () => {
    const error = await rejection(loadConfig({ file: dir }));
    expect(error.code).toBe('SWB_ERR_CONFIG_UNREADABLE');
    expect(error.message).toContain(`Config file ${dir} could not be read`);
  });
});

describe('parseSetFlag', () => {
  it('nests the value at its path, parsed by the setting type', () => {
    expect(parseSetFlag('limits.maxFrameBytes=65536')).toEqual({ limits: { maxFrameBytes: 65_536 } });
    expect(parseSetFlag('api.stages=dev,prod')).toEqual({ api: { stages: ['dev', 'prod'] } });
    expect(parseSetFlag('log.format=json')).toEqual({ log: { format: 'json' } });
  });

  it('keeps "=" in the value and reaches into map items', () => {
    expect(parseSetFlag('integrations.backend.uri=http://h/x?a=b')).toEqual({
      integrations: { backend: { uri: 'http://h/x?a=b' } },
    });
    expect(parseSetFlag('routes.$default.twoWay=1')).toEqual({ routes: { $default: { twoWay: true } } });
    expect(parseSetFlag('routes={"$default":{"integration":"b"}}')).toEqual({
      routes: { $default: { integration: 'b' } },
    });
  });

  it('rejects an unknown path with SWB_ERR_CLI_USAGE', () => {
    const error = thrown(() => parseSetFlag('listen.prot=1'));
    expect(error.code).toBe('SWB_ERR_CLI_USAGE');
    expect(error.message).toContain('unknown setting "listen.prot"');
    expect(thrown(() => parseSetFlag('listen.port.x=1')).code).toBe('SWB_ERR_CLI_USAGE');
    expect(thrown(() => parseSetFlag('constructor=1')).code).toBe('SWB_ERR_CLI_USAGE');
  });

  it('rejects a flag without path=value and a value that does not parse', () => {
    expect(thrown(() => parseSetFlag('listen.port')).message).toContain('expected path=value');
    expect(thrown(() => parseSetFlag('=1')).code).toBe('SWB_ERR_CLI_USAGE');
    expect(thrown(() => parseSetFlag('listen..port=1')).code).toBe('SWB_ERR_CLI_USAGE');
    expect(thrown(() => parseSetFlag('listen.port=x')).message).toBe(
      '--set listen.port: expected a number, got "x"',
    );
  });
});
