// Unit tests for the messages of an invalid configuration: every problem at once (unknown integration
// names beside the schema's problems, even in the same route or integration), each at its path, with
// the nearest known key or name suggested for a typo; and the same suggestion for `--set` paths.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isConfigInvalid, type ConfigIssue } from './issues.js';
import { loadConfig, parseConfig, parseSetFlag } from './load.js';

/** The problems `input` is refused with (fails the test when it is accepted). */
function problems(input: unknown): readonly ConfigIssue[] {
  try {
    parseConfig(input);
  } catch (error) {
    if (isConfigInvalid(error)) return error.issues;
    throw error;
  }
  throw new Error('expected SWB_ERR_CONFIG_INVALID');
}

const uri = 'http://127.0.0.1:3000/message';

describe('unknown integration names', () => {
  it('are reported with a broken integration, a broken route and a bad route key, each at its path', () => {
    expect(
      problems({
        routes: {
          $default: { integration: 'backnd', twoWay: 'yes' },
          $custom: { integration: 'backend' },
          later: { integration: 'latr' },
        },
        integrations: { backend: { method: 'POST' }, later: { uri, timeoutMs: 5 } },
      }),
    ).toEqual([
      { path: 'routes.$default.twoWay', message: 'Invalid input: expected boolean, received string' },
      {
        path: 'routes.$custom',
        message: 'custom route keys must not start with $ (only $connect, $disconnect and $default do)',
      },
      {
        path: 'integrations.backend.uri',
        message: 'Invalid input: expected string, received undefined (a HTTP_PROXY integration needs uri)',
      },
      { path: 'integrations.later.timeoutMs', message: 'Too small: expected number to be >=50' },
      { path: 'routes.$default.integration', message: 'unknown integration "backnd" (did you mean "backend"?)' },
      { path: 'routes.later.integration', message: 'unknown integration "latr" (did you mean "later"?)' },
    ]);
  });

  it('list the defined integrations when none is near, and say so when there are none', () => {
    expect(
      problems({ routes: { $default: { integration: 'echo' } }, integrations: { connect: { uri }, message: { uri } } }),
    ).toEqual([
      {
        path: 'routes.$default.integration',
        message: 'unknown integration "echo" (the integrations are "connect", "message")',
      },
    ]);
    expect(problems({ routes: { $default: { integration: 'echo' } } })).toEqual([
      {
        path: 'routes.$default.integration',
        message: 'unknown integration "echo": no integrations are defined (add one under integrations)',
      },
    ]);
  });

  it('come with the misspelt `integrations` section that would have defined them', () => {
    expect(problems({ integration: { backend: { uri } }, routes: { $default: { integration: 'backend' } } })).toEqual([
      { path: 'integration', message: 'unrecognized key (did you mean `integrations`?)' },
      {
        path: 'routes.$default.integration',
        message: 'unknown integration "backend": no integrations are defined (add one under integrations)',
      },
    ]);
  });

  it('are not checked where there is nothing to read, which has its own problem', () => {
    expect(problems({ routes: { $default: 'backend' }, integrations: [] })).toEqual([
      { path: 'routes.$default', message: 'Invalid input: expected object, received string' },
      { path: 'integrations', message: 'Invalid input: expected record, received array' },
    ]);
    expect(problems({ routes: { $default: { integration: 7 } }, integrations: { backend: { uri } } })).toEqual([
      { path: 'routes.$default.integration', message: 'Invalid input: expected string, received number' },
    ]);
  });
});

describe('unknown keys', () => {
  it('suggest the nearest known key at the top level, in sections, in routes and in integrations', () => {
    expect(
      problems({
        lisen: { port: 1 },
        listen: { prot: 9000 },
        limits: { maxFramBytes: 1 },
        routes: { $default: { integration: 'backend', twoway: true } },
        integrations: { backend: { uri, timeotMs: 5000 } },
      }),
    ).toEqual([
      { path: 'listen.prot', message: 'unrecognized key (did you mean `port`?)' },
      { path: 'routes.$default.twoway', message: 'unrecognized key (did you mean `twoWay`?)' },
      { path: 'integrations.backend.timeotMs', message: 'unrecognized key (did you mean `timeoutMs`?)' },
      { path: 'limits.maxFramBytes', message: 'unrecognized key (did you mean `maxFrameBytes`?)' },
      { path: 'lisen', message: 'unrecognized key (did you mean `listen`?)' },
    ]);
  });

  it('list the known keys when none is near, or point to the docs when there are many', () => {
    expect(problems({ listen: { address: '::' }, routes: { $default: { integration: 'b', type: 'x' } }, integrations: { b: { uri } } })).toEqual([
      { path: 'listen.address', message: 'unrecognized key (the keys here are `host`, `port`)' },
      {
        path: 'routes.$default.type',
        message:
          'unrecognized key (the keys here are `integration`, `twoWay`, `authorizationType`, `authorizer`, `modelSelectionExpression`, `requestModels`)',
      },
    ]);
    expect(problems({ nonsense: 1 })).toEqual([
      { path: 'nonsense', message: 'unrecognized key (the settings are listed in docs/configuration.md)' },
    ]);
  });

  it('suggest a key from a YAML file, reported with the problems of the environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-messages-'));
    try {
      const file = join(dir, 'switchboard.yml');
      await writeFile(
        file,
        ['route:', '  $default: { integration: mesage }', 'integrations:', `  message: { uri: ${uri} }`, ''].join('\n'),
      );
      const error: unknown = await loadConfig({ file, env: { SWITCHBOARD_LISTEN_PROT: '1' } }).catch((e: unknown) => e);
      expect(isConfigInvalid(error)).toBe(true);
      expect((error as Error).message.split('\n')).toEqual([
        'Invalid configuration (2 problems):',
        'SWITCHBOARD_LISTEN_PROT: unknown environment variable (did you mean SWITCHBOARD_LISTEN_PORT?)',
        'route: unrecognized key (did you mean `routes`?)',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('unknown authorizer names', () => {
  it('suggest the nearest defined authorizer', () => {
    expect(
      problems({
        routes: { $connect: { integration: 'backend', authorizationType: 'CUSTOM', authorizer: 'tokn' } },
        integrations: { backend: { uri } },
        authorizers: { token: { type: 'REQUEST', uri: 'http://127.0.0.1:3000/auth' } },
      }),
    ).toEqual([{ path: 'routes.$connect.authorizer', message: 'unknown authorizer "tokn" (did you mean "token"?)' }]);
  });
});

describe('--set paths', () => {
  it('suggest the nearest setting, keeping the rest of the path', () => {
    const messageOf = (flag: string): string => {
      try {
        parseSetFlag(flag);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`--set ${flag} was accepted`);
    };
    expect(messageOf('listen.prot=1')).toBe('--set listen.prot=1: unknown setting "listen.prot" (did you mean listen.port?)');
    expect(messageOf('integratons.b.uri=http://x')).toBe(
      '--set integratons.b.uri=http://x: unknown setting "integratons.b.uri" (did you mean integrations.b.uri?)',
    );
    expect(messageOf('nonsense.x=1')).toBe(
      '--set nonsense.x=1: unknown setting "nonsense.x" (the settings are listed in docs/configuration.md)',
    );
  });
});
