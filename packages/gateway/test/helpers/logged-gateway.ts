/**
 * Test helper: a gateway on port 0 whose every log line (level debug and up) is parsed into an
 * array the test reads, disposed with `await using`.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { startGateway } from '../../src/main.js';

/** One pino log line. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly code?: string;
  readonly err?: { readonly message: string; readonly upstream?: string };
  readonly [field: string]: unknown;
}

export interface LoggedGateway {
  /** `ws://127.0.0.1:PORT/dev`. */
  readonly url: string;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startLoggedGateway(input: ConfigInput, lines: LogLine[]): Promise<LoggedGateway> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const config = configSchema.parse({
    ...input,
    listen: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    shutdown: { drainMs: 0, disconnectFlushMs: 500 },
  });
  const running = await startGateway(config, pino({ level: 'debug' }, sink));
  return { url: `ws://127.0.0.1:${running.clientPort}/dev`, [Symbol.asyncDispose]: () => running.gateway.close() };
}
