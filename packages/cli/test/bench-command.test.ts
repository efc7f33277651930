/**
 * `switchboard bench` as a real process. Closed loop (the default) against a WebSocket echo server
 * started here on port 0: the JSON fields, the summary table, the positional URL, and exit 1 on
 * unexpected or missing replies. Steady rate (`--rate N`, `--url`) through a real gateway and echo
 * backend. Exit 1 when nobody listens, 2 on usage errors; no progress bar when stderr is a pipe.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { startTestBackend, unusedUrl, type TestBackend } from '../../gateway/test/helpers/backend.js';
import { routesTo, startTestGateway } from '../../gateway/test/helpers/gateway.js';
import { runCli, stopAllCliProcesses } from './helpers/cli-process.js';
import type { BenchResult } from '../src/commands/bench.js';

interface WsServer {
  readonly url: string;
  /** Every text message received, in order. */
  readonly received: string[];
  /** Messages that arrived while the same connection still waited for its previous reply. */
  readonly overlapping: number;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A WebSocket server on port 0 that answers each message with `answer(message)` on the next turn of
 * the event loop, or never when `answer` returns undefined.
 */
async function startWsServer(answer: (message: string) => string | undefined): Promise<WsServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const received: string[] = [];
  let overlapping = 0;
  server.on('connection', (socket: WebSocket) => {
    let pending = false;
    // A text frame of one fragment: a Buffer (the ws default binaryType).
    socket.on('message', (data: RawData) => {
      const message = (data as Buffer).toString('utf8');
      received.push(message);
      if (pending) overlapping++;
      const reply = answer(message);
      if (reply === undefined) return;
      pending = true;
      setImmediate(() => {
        pending = false;
        socket.send(reply);
      });
    });
  });
  return {
    url: `ws://127.0.0.1:${String((server.address() as AddressInfo).port)}/dev`,
    received,
    get overlapping() {
      return overlapping;
    },
    async [Symbol.asyncDispose]() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Echoes like the sample backend: the message and a count. */
const echoWithCount = () => {
  let count = 0;
  return (message: string) => `${message} [#${String(++count)}]`;
};

const short = ['--connections', '4', '--warmup', '0.3', '--duration', '0.8'];

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(async () => {
  await backend.close();
});
afterEach(async () => {
  await stopAllCliProcesses();
});

describe('switchboard bench, closed loop', () => {
  it('sends the next message only when the reply arrived, and reports the JSON fields', async () => {
    await using server = await startWsServer(echoWithCount());
    const run = await runCli(['bench', server.url, ...short, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as BenchResult;
    expect(result).toMatchObject({
      url: server.url,
      mode: 'closed-loop',
      rate: 0,
      payloadBytes: 64,
      warmupSeconds: 0.3,
      connections: { requested: 4, opened: 4, failed: 0, closedEarly: 0 },
      unexpectedReplies: 0,
      missing: 0,
      stalledConnections: 0,
    });
    expect(result.durationSeconds).toBeCloseTo(0.8, 1);
    expect(result.replies).toBe(result.sent);
    expect(result.replies).toBeGreaterThan(20);
    // Per second of the window (its length is rounded to the millisecond in the JSON).
    expect(result.repliesPerSecond / (result.replies / result.durationSeconds)).toBeCloseTo(1, 2);
    const latency = result.latencyMs!;
    expect(latency.min).toBeGreaterThan(0);
    expect(latency.min).toBeLessThanOrEqual(latency.p50);
    expect(latency.p50).toBeLessThanOrEqual(latency.p90);
    expect(latency.p90).toBeLessThanOrEqual(latency.p99);
    expect(latency.p99).toBeLessThanOrEqual(latency.max);
    // The harness's payload, the warm-up's messages before the window's, one at a time per client.
    expect(new Set(server.received)).toEqual(new Set(['switchboard-bench:'.padEnd(64, 'x')]));
    expect(server.received.length).toBeGreaterThan(result.sent);
    expect(server.overlapping).toBe(0);
  });

  it('prints the summary as an aligned table', async () => {
    await using server = await startWsServer(echoWithCount());
    const run = await runCli(['bench', server.url, ...short, '--payload-bytes', '20']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`bench ${server.url}`);
    expect(lines[1]).toMatch(
      /^closed loop, 4 connections, 20-byte message, 0\.3 s warm-up, [\d.]+ s measured$/,
    );
    expect(run.stdout).toMatch(/^ +opened +failed +closed early +stalled$/m);
    expect(run.stdout).toMatch(/^connections +4 +0 +0 +0$/m);
    expect(run.stdout).toMatch(/^ +sent +replies +unexpected +missing +replies\/s$/m);
    expect(run.stdout).toMatch(/^messages +(\d+) +\1 +0 +0 +[\d.]+$/m);
    expect(run.stdout).toMatch(/^ +p50 +p90 +p99 +max$/m);
    expect(run.stdout).toMatch(/^round trip ms( +\d+\.\d+){4}$/m);
    // Right-aligned: every column ends where its header ends.
    const header = lines.find((line) => line.includes('opened'))!;
    const row = lines.find((line) => line.startsWith('connections'))!;
    expect(row.length).toBe(header.length);
    expect(row.indexOf('4') + 1).toBe(header.indexOf('opened') + 'opened'.length);
    expect(lines.at(-2)).toBe('OK');
    expect(new Set(server.received)).toEqual(new Set(['switchboard-bench:xx']));
  });

  it('exits 1 on unexpected replies, and on missing ones', async () => {
    await using refusing = await startWsServer(() => 'nope');
    const wrong = await runCli(['bench', refusing.url, ...short, '--json']);
    expect(wrong.code).toBe(1);
    const wrongResult = JSON.parse(wrong.stdout) as BenchResult;
    expect(wrongResult).toMatchObject({
      replies: 0,
      missing: 0,
      stalledConnections: 4,
      unexpectedSample: 'nope',
      latencyMs: null,
    });
    expect(wrongResult.unexpectedReplies).toBe(wrongResult.sent);
    const text = await runCli([
      'bench',
      refusing.url,
      '--connections',
      '1',
      '--warmup',
      '0',
      '--duration',
      '0.2',
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('first unexpected reply: "nope"');
    expect(text.stdout).toMatch(/^FAILED$/m);

    await using silent = await startWsServer(() => undefined);
    const mute = await runCli([
      'bench',
      silent.url,
      '--connections',
      '2',
      '--warmup',
      '0',
      '--duration',
      '0.5',
      '--timeout',
      '200',
      '--json',
    ]);
    expect(mute.code).toBe(1);
    expect(JSON.parse(mute.stdout)).toMatchObject({
      sent: 2,
      replies: 0,
      missing: 2,
      stalledConnections: 2,
      firstError: 'no reply within 200 ms',
    });
  });
});

describe('switchboard bench, steady rate', () => {
  it('sends --rate messages per second per client through the gateway, with --url', async () => {
    await using gateway = await startTestGateway(routesTo(backend.url));
    const before = backend.requests.filter((request) => request.path.startsWith('/message')).length;
    const run = await runCli([
      'bench',
      '--url',
      gateway.url('dev'),
      '--connections',
      '3',
      '--duration',
      '1',
      '--rate',
      '5',
      '--message',
      'hello',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as BenchResult;
    expect(result).toMatchObject({
      mode: 'steady-rate',
      rate: 5,
      payloadBytes: 5,
      warmupSeconds: 0,
      connections: { requested: 3, opened: 3, failed: 0, closedEarly: 0 },
      missing: 0,
      unexpectedReplies: 0,
    });
    expect(result.replies).toBe(result.sent);
    // 5 per second for 1 s, with the first send of each client spread over the first interval.
    expect(result.sent).toBeGreaterThanOrEqual(3 * 4);
    expect(result.sent).toBeLessThanOrEqual(3 * 6);
    expect(result.latencyMs?.p50).toBeGreaterThan(0);
    const messages = backend.requests.filter((request) => request.path.startsWith('/message')).slice(before);
    expect(messages).toHaveLength(result.sent);
    expect(new Set(messages.map((request) => request.body.toString()))).toEqual(new Set(['hello']));
  });
});

describe('switchboard bench, exit codes', () => {
  it('exits 1 when clients cannot connect', async () => {
    const nobody = await runCli([
      'bench',
      (await unusedUrl()).replace('http', 'ws'),
      '--connections',
      '2',
      '--duration',
      '0.2',
      '--json',
    ]);
    expect(nobody.code).toBe(1);
    expect(JSON.parse(nobody.stdout)).toMatchObject({
      connections: { opened: 0, failed: 2 },
      replies: 0,
      latencyMs: null,
      firstError: expect.stringContaining('ECONNREFUSED') as unknown,
    });
  });

  it('exits 2 on usage errors, and prints help', async () => {
    for (const args of [
      [],
      ['http://127.0.0.1:1/dev'],
      ['ws://127.0.0.1:1/a', 'ws://127.0.0.1:1/b'],
      ['ws://127.0.0.1:1/a', '--url', 'ws://127.0.0.1:1/b'],
      ['ws://127.0.0.1:1/a', '--rate', '-1'],
      ['ws://127.0.0.1:1/a', '--connections', '1.5'],
      ['ws://127.0.0.1:1/a', '--message', 'x', '--payload-bytes', '8'],
    ]) {
      const usage = await runCli(['bench', ...args]);
      expect(usage.code, args.join(' ')).toBe(2);
      expect(usage.stderr).toMatch(/^switchboard: SWB_ERR_CLI_USAGE: switchboard bench: /);
    }
    const help = await runCli(['bench', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: switchboard bench WS_URL \[options\]/);
    expect(help.stdout).toMatch(/Examples:\n {2}switchboard bench ws:\/\/127\.0\.0\.1:8080\/dev\n/);
  });
});
