/** Unit tests of the command line: defaults, flags, and the errors for bad values. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SQLITE_PATH, parseCliArgs } from './cli-args.js';

describe('parseCliArgs', () => {
  it('has defaults', () => {
    expect(parseCliArgs([])).toEqual({
      port: 3000,
      host: '127.0.0.1',
      drainDelayMs: 0,
      logLevel: 'info',
      store: { kind: 'sqlite', path: DEFAULT_SQLITE_PATH },
      sessionTtlSeconds: 10_800,
      help: false,
    });
  });

  it('picks the session store from flags, then the environment', () => {
    expect(parseCliArgs(['--store', 'memory']).store).toEqual({ kind: 'memory' });
    expect(parseCliArgs(['--store', 'sqlite', '--sqlite-path', '/tmp/x.db']).store).toEqual({
      kind: 'sqlite',
      path: '/tmp/x.db',
    });
    expect(parseCliArgs([], { SESSION_STORE: 'redis', REDIS_URL: 'redis://r:6380' }).store).toEqual({
      kind: 'redis',
      url: 'redis://r:6380',
    });
    expect(
      parseCliArgs(['--store', 'dynamodb', '--dynamodb-endpoint', 'http://127.0.0.1:8000'], {
        DYNAMODB_TABLE: 't',
      }).store,
    ).toEqual({
      kind: 'dynamodb',
      table: 't',
      createTable: true,
      endpoint: 'http://127.0.0.1:8000',
    });
    expect(() => parseCliArgs(['--store', 'mongo'])).toThrow(
      /--store must be one of memory, sqlite, redis, dynamodb, got "mongo"/,
    );
    expect(() => parseCliArgs(['--session-ttl-s', '0'])).toThrow(/--session-ttl-s must be an integer from 1/);
  });

  it('reads every flag', () => {
    expect(
      parseCliArgs(['--port', '0', '--host', '0.0.0.0', '--drain-delay-ms', '5000', '--log-level', 'debug']),
    ).toEqual({
      port: 0,
      host: '0.0.0.0',
      drainDelayMs: 5000,
      logLevel: 'debug',
      store: { kind: 'sqlite', path: DEFAULT_SQLITE_PATH },
      sessionTtlSeconds: 10_800,
      help: false,
    });
    expect(parseCliArgs(['-p', '8000', '-h'])).toMatchObject({ port: 8000, help: true });
    expect(parseCliArgs(['--port=3001'])).toMatchObject({ port: 3001 });
  });

  it('refuses bad values with the flag named', () => {
    expect(() => parseCliArgs(['--port', '65536'])).toThrow(
      '--port must be an integer from 0 to 65535, got "65536"',
    );
    expect(() => parseCliArgs(['--port', '-1'])).toThrow();
    expect(() => parseCliArgs(['--drain-delay-ms', '1.5'])).toThrow('--drain-delay-ms must be an integer');
    expect(() => parseCliArgs(['--log-level', 'loud'])).toThrow(
      '--log-level must be one of debug, info, warn, error, silent, got "loud"',
    );
    expect(() => parseCliArgs(['--host', ''])).toThrow('--host must not be empty');
  });

  it('refuses unknown flags and positionals', () => {
    expect(() => parseCliArgs(['--nope'])).toThrow();
    expect(() => parseCliArgs(['3000'])).toThrow();
  });
});
