/**
 * `runLoad` (`switchboard/load`, the load of `switchboard bench` and of the harness) in-process
 * against WebSocket servers started here on port 0: the window callback fires once per edge at the
 * instants the window opens and closes, the per-connection fairness matches what the server saw, and
 * socket errors, early closes and the connections open at the end are counted.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  defaultMessage,
  runLoad,
  type LoadOptions,
  type LoadProgress,
  type WindowEdge,
} from '../src/commands/bench-load.js';

interface WsServer {
  readonly url: string;
  /** Messages received, per connection in the order they connected. */
  readonly perConnection: number[];
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A WebSocket server on port 0; `reply(socket, index, message)` answers each message of the
 * `index`-th connection (by default an echo on the next turn of the event loop).
 */
async function startWsServer(
  reply: (socket: WebSocket, index: number, message: Buffer) => void = (socket, _index, message) => {
    setImmediate(() => {
      socket.send(message, { binary: false });
    });
  },
): Promise<WsServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const perConnection: number[] = [];
  server.on('connection', (socket: WebSocket) => {
    const index = perConnection.push(0) - 1;
    socket.on('message', (data: RawData) => {
      perConnection[index] = (perConnection[index] ?? 0) + 1;
      reply(socket, index, data as Buffer);
    });
  });
  return {
    url: `ws://127.0.0.1:${String((server.address() as AddressInfo).port)}/dev`,
    perConnection,
    async [Symbol.asyncDispose]() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const options = (url: string, overrides: Partial<LoadOptions> = {}): LoadOptions => ({
  url,
  connections: 4,
  warmupSeconds: 0.3,
  durationSeconds: 0.6,
  rate: 0,
  timeoutMs: 2000,
  message: Buffer.from(defaultMessage(64)),
  ...overrides,
});

describe('runLoad, the measured window', () => {
  it('calls onWindow once at each edge, at the instants the window opens and closes', async () => {
    await using server = await startWsServer();
    const edges: { edge: WindowEdge; at: number }[] = [];
    const progress: { phase: LoadProgress['phase']; at: number }[] = [];
    const result = await runLoad(
      options(server.url, {
        onWindow: (edge) => {
          edges.push({ edge, at: performance.now() });
        },
      }),
      (p) => {
        progress.push({ phase: p.phase, at: performance.now() });
      },
    );
    expect(edges.map((e) => e.edge)).toEqual(['start', 'end']);
    const [start, end] = edges.map((e) => e.at) as [number, number];
    // The window the result reports (rounded to the millisecond) is the one between the two calls.
    expect(Math.abs((end - start) / 1000 - result.durationSeconds)).toBeLessThan(0.002);
    expect(result.durationSeconds).toBeGreaterThanOrEqual(0.6);
    // Warm-up before the start, measuring in between; the handshakes are done before the warm-up.
    const connected = progress.filter((p) => p.phase === 'connecting').at(-1)!.at;
    expect(start - connected).toBeGreaterThanOrEqual(300 - 1);
    for (const p of progress) {
      if (p.phase === 'warm-up') expect(p.at).toBeLessThan(start);
      if (p.phase === 'measuring') {
        expect(p.at).toBeGreaterThan(start);
        expect(p.at).toBeLessThan(end);
      }
    }
    expect(progress.some((p) => p.phase === 'warm-up')).toBe(true);
    expect(progress.some((p) => p.phase === 'measuring')).toBe(true);
    expect(result.replies).toBe(result.sent);
    expect(result.replies).toBeGreaterThan(20);
  });

  it('does not call onWindow when no client connected', async () => {
    // A port that was just free: nobody listens there any more.
    const closed = await startWsServer();
    const { url } = closed;
    await closed[Symbol.asyncDispose]();
    const edges: WindowEdge[] = [];
    const failedSeen: number[] = [];
    const result = await runLoad(
      options(url, {
        connections: 2,
        onWindow: (edge) => {
          edges.push(edge);
        },
      }),
      (p) => {
        failedSeen.push(p.failed);
      },
    );
    expect(edges).toEqual([]);
    expect(result.connections).toMatchObject({ opened: 0, failed: 2, openAtEnd: 0, errors: 0 });
    expect(result.repliesPerConnection).toEqual({ min: 0, max: 0 });
    expect(failedSeen.at(-1)).toBe(2);
  });
});

describe('runLoad, per connection', () => {
  it('reports the fewest and most replies of one connection, as the server counted them', async () => {
    // The first connection is answered after 20 ms, the others at once: an unfair server.
    await using server = await startWsServer((socket, index, message) => {
      const send = () => {
        socket.send(message, { binary: false });
      };
      if (index === 0) setTimeout(send, 20);
      else setImmediate(send);
    });
    // No warm-up: every message the server saw was sent in the window, and each got its reply.
    const result = await runLoad(options(server.url, { warmupSeconds: 0, durationSeconds: 0.5 }));
    expect(result.missing).toBe(0);
    expect(result.replies).toBe(result.sent);
    expect(result.repliesPerConnection).toEqual({
      min: Math.min(...server.perConnection),
      max: Math.max(...server.perConnection),
    });
    expect(result.repliesPerConnection.min).toBeGreaterThan(0);
    expect(result.repliesPerConnection.min).toBeLessThanOrEqual(Math.ceil(500 / 20) + 1);
    expect(result.repliesPerConnection.max).toBeGreaterThan(result.repliesPerConnection.min * 4);
    expect(result.stalledConnections).toBe(0);
  });

  it('counts socket errors and early closes; openAtEnd counts the connections still open', async () => {
    // The second connection's first reply is a text frame that is not UTF-8: the client's socket
    // errors and closes (1007); the other three keep echoing.
    await using server = await startWsServer((socket, index, message) => {
      setImmediate(() => {
        socket.send(index === 1 ? Buffer.from([0xff, 0xfe]) : message, { binary: false });
      });
    });
    const edges: WindowEdge[] = [];
    const result = await runLoad(
      options(server.url, {
        warmupSeconds: 0,
        onWindow: (edge) => {
          edges.push(edge);
        },
      }),
    );
    expect(edges).toEqual(['start', 'end']);
    expect(result.connections).toMatchObject({
      requested: 4,
      opened: 4,
      failed: 0,
      closedEarly: 1,
      openAtEnd: 3,
      errors: 1,
    });
    expect(result.firstError).toMatch(/UTF-8/);
    // Its message awaiting the reply is missing; the client sent nothing more.
    expect(result.missing).toBe(1);
    expect(result.stalledConnections).toBe(1);
    expect(result.repliesPerConnection.min).toBe(0);
    expect(result.repliesPerConnection.max).toBeGreaterThan(0);
  });
});
