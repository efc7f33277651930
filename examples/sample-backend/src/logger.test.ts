/** Unit tests of the default logger: pino-shaped JSON lines, level filtering, Error fields. */
import { describe, expect, it } from 'vitest';
import { createConsoleLogger, type LogLevel } from './logger.js';

function capture(level?: LogLevel) {
  const lines: string[] = [];
  const logger = createConsoleLogger({
    ...(level === undefined ? {} : { level }),
    write: (line) => lines.push(line),
  });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createConsoleLogger', () => {
  it('writes one JSON object a line with pino level numbers', () => {
    const { logger, lines, parsed } = capture();
    logger.info({ connectionId: 'abc' }, 'connect');
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(parsed()[0]).toMatchObject({ level: 30, pid: process.pid, connectionId: 'abc', msg: 'connect' });
    expect(typeof parsed()[0]?.time).toBe('number');
  });

  it('drops lines below its level', () => {
    const { logger, parsed } = capture('warn');
    logger.debug({}, 'd');
    logger.info({}, 'i');
    logger.warn({}, 'w');
    logger.error({}, 'e');
    expect(parsed().map((line) => [line.level, line.msg])).toEqual([
      [40, 'w'],
      [50, 'e'],
    ]);
    const silent = capture('silent');
    silent.logger.error({}, 'e');
    expect(silent.lines).toEqual([]);
  });

  it('serializes Error fields and survives unserializable ones', () => {
    const { logger, parsed } = capture();
    const error = Object.assign(new Error('nope'), { code: 'ECONNREFUSED' });
    logger.error({ err: error }, 'push failed');
    expect(parsed()[0]?.err).toMatchObject({ type: 'Error', message: 'nope', code: 'ECONNREFUSED' });
    logger.info({ big: 1n }, 'bigint');
    expect(parsed()[1]).toMatchObject({ msg: 'bigint', logError: 'fields could not be serialized' });
  });
});
