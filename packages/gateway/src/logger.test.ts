// Unit tests for the logger: JSON and pretty output into a given destination, levels, and redaction.
import { Writable } from 'node:stream';
import { describe, it, expect, vi } from 'vitest';
import { createLogger } from './logger.js';

/** A destination that keeps what is written. */
function memory(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('createLogger', () => {
  it('writes one JSON object a line for json, at the configured level', async () => {
    const out = memory();
    const logger = await createLogger({ level: 'warn', format: 'json' }, out.stream);
    logger.info('hidden');
    logger.warn({ connectionId: 'abc' }, 'shown');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 40, msg: 'shown', connectionId: 'abc' });
  });

  it('redacts authorization headers, cookies and AWS secret keys', async () => {
    const out = memory();
    const logger = await createLogger({ level: 'info', format: 'json' }, out.stream);
    logger.info({
      req: { headers: { authorization: 'Bearer t0ken', cookie: 'sid=1', host: 'h' } },
      headers: { authorization: 'Basic x', cookie: 'c=2' },
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 's3cret', sessionToken: 'FwoGZX' },
    });
    const text = out.text();
    for (const secret of ['t0ken', 'sid=1', 'Basic x', 'c=2', 's3cret', 'FwoGZX'])
      expect(text).not.toContain(secret);
    const line = JSON.parse(text) as {
      req: { headers: Record<string, string> };
      credentials: Record<string, string>;
    };
    expect(line.req.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]', host: 'h' });
    expect(line.credentials.accessKeyId).toBe('AKIA');
  });

  it('writes readable text without colours for pretty', async () => {
    const out = memory();
    const logger = await createLogger({ level: 'info', format: 'pretty' }, out.stream);
    logger.info({ headers: { authorization: 'Bearer t0ken' } }, 'hello there');
    // pino-pretty formats on its own stream, a few ticks later
    await vi.waitFor(() => {
      expect(out.text()).toContain('hello there');
    });
    const text = out.text();
    expect(text).toContain('INFO');
    expect(text).toContain('hello there');
    expect(text).not.toContain('t0ken');
    expect(text).not.toContain('\u001b[');
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('picks json for auto when the destination is not a terminal', async () => {
    const out = memory();
    const logger = await createLogger({ level: 'info', format: 'auto' }, out.stream);
    logger.info('plain');
    expect(JSON.parse(out.text())).toMatchObject({ msg: 'plain' });
  });
});
