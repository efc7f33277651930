/**
 * The harness's load process (bench/dist/load-generator.js, a wrapper around `runLoad` of
 * `switchboard/load`) as a real process against a WebSocket echo server on port 0: its JSON lines
 * come in protocol order, `window-start` and `window-end` as far apart as the window it reports, and
 * its result carries the fields the runner and the reports read. No server: a `fatal` line, exit 1.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { decodeLoadEvent, type LoadEvent } from '../../bench/src/load-report.js';

/** The built generator (the root `npm test` builds it with `tsc -b` first). */
const generatorJs = fileURLToPath(new URL('../../bench/dist/load-generator.js', import.meta.url));

interface EchoServer {
  readonly url: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Echoes every message with a count appended, as the sample backend does. */
async function startEchoServer(): Promise<EchoServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket: WebSocket) => {
    let count = 0;
    socket.on('message', (data: RawData) => {
      socket.send(`${(data as Buffer).toString('utf8')} [#${String(++count)}]`);
    });
  });
  return {
    url: `ws://127.0.0.1:${String((server.address() as AddressInfo).port)}/`,
    async [Symbol.asyncDispose]() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Run {
  readonly code: number | null;
  readonly events: readonly { readonly event: LoadEvent; readonly at: number }[];
  readonly stderr: string;
}

/** Runs the generator to its exit; each stdout event with the instant its line arrived. */
async function runGenerator(args: readonly string[]): Promise<Run> {
  const child = spawn(process.execPath, [generatorJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: { event: LoadEvent; at: number }[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = decodeLoadEvent(line);
    if (event !== null) events.push({ event, at: performance.now() });
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, events, stderr };
}

describe('bench load generator process', () => {
  it('reports connected, window-start, window-end and result, with the window between its edges', async () => {
    await using server = await startEchoServer();
    const run = await runGenerator([
      '--url',
      server.url,
      '--connections',
      '5',
      '--warmup',
      '0.3',
      '--duration',
      '0.8',
      '--payload-bytes',
      '32',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.map((e) => e.event.type)).toEqual([
      'connected',
      'window-start',
      'window-end',
      'result',
    ]);
    const [connected, start, end, last] = run.events;
    expect(connected?.event).toEqual({ type: 'connected', connected: 5, connectErrors: 0 });
    if (last?.event.type !== 'result') throw new Error('no result');
    const { result } = last.event;
    // The runner samples /proc when the edge lines arrive: they are the window's length apart.
    expect(Math.abs((end!.at - start!.at) / 1000 - result.windowSeconds)).toBeLessThan(0.05);
    expect(result).toMatchObject({
      url: server.url,
      connections: 5,
      connected: 5,
      openAtEnd: 5,
      payloadBytes: 32,
      warmupSeconds: 0.3,
      unexpectedReplies: 0,
      unexpectedSample: null,
      missingReplies: 0,
      connectErrors: 0,
      socketErrors: 0,
      unexpectedCloses: 0,
      stalledConnections: 0,
    });
    expect(result.windowSeconds).toBeCloseTo(0.8, 1);
    expect(result.messages).toBeGreaterThan(50);
    expect(result.msgsPerSecond).toBeCloseTo(result.messages / result.windowSeconds, 6);
    expect(result.perConnection.min).toBeGreaterThan(0);
    expect(result.perConnection.min).toBeLessThanOrEqual(result.perConnection.max);
    expect(result.perConnection.max * 5).toBeGreaterThanOrEqual(result.messages);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.p99);
  });

  it('reports fatal and exits 1 when no connection succeeds', async () => {
    const closed = await startEchoServer();
    const { url } = closed;
    await closed[Symbol.asyncDispose]();
    const run = await runGenerator([
      '--url',
      url,
      '--connections',
      '2',
      '--warmup',
      '0',
      '--duration',
      '0.2',
    ]);
    expect(run.code).toBe(1);
    expect(run.events.map((e) => e.event)).toEqual([
      { type: 'connected', connected: 0, connectErrors: 2 },
      {
        type: 'fatal',
        message: expect.stringMatching(/^no connection to ws:\/\/127\.0\.0\.1:\d+\/ succeeded: /) as unknown,
      },
    ]);
  });
});
