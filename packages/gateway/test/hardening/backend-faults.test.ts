// Backend faults: a backend process killed (kill -9) mid-request, a socket reset mid-response, a
// backend that hangs (the integration timeout applies), one that answers garbage, and a hostname
// that does not resolve. Each costs the client one error frame, never its connection, and the
// next message goes through.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient, refusedStatus } from '../helpers/client.js';
import { startTestGateway } from '../helpers/gateway.js';

function errorFrameMessage(text: string): string {
  return (JSON.parse(text) as { message: string }).message;
}

/** A gateway whose $default goes to `faulty` and whose `ok` route goes to a healthy echo backend. */
async function gatewayWithFaultyDefault(faulty: string, healthy: string, timeoutMs = 1000) {
  return startTestGateway({
    routes: { $default: { integration: 'faulty', twoWay: true }, ok: { integration: 'healthy', twoWay: true } },
    integrations: { faulty: { uri: faulty, timeoutMs }, healthy: { uri: `${healthy}/message` } },
  });
}

async function listenRaw(onSocket: (socket: Socket) => void): Promise<{ url: string; server: Server; [Symbol.asyncDispose](): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('faults: the backend', () => {
  it('killed (kill -9) while it holds the request: the Internal server error frame, and the connection goes on', async () => {
    // A real backend process that accepts the request and never answers; it prints its port, then the request line.
    const child = spawn(process.execPath, ['-e', "const s=require('node:http').createServer((q)=>{console.log('got '+q.url)});s.listen(0,'127.0.0.1',()=>console.log('port '+s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines: string[] = [];
      const waitFor = (prefix: string) =>
        new Promise<string>((resolve) => {
          const check = () => {
            const line = lines.find((l) => l.startsWith(prefix));
            if (line !== undefined) resolve(line);
            else child.stdout.once('data', check);
          };
          check();
        });
      child.stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
      const port = (await waitFor('port ')).slice(5);
      await using healthy = await startTestBackend();
      await using gateway = await gatewayWithFaultyDefault(`http://127.0.0.1:${port}/message`, healthy.url, 10_000);
      await using client = await connectClient(gateway.url());
      client.send('to the doomed backend');
      await waitFor('got /message');
      const exited = once(child, 'exit');
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      await exited;
      expect(errorFrameMessage(await client.next())).toBe('Internal server error');
      client.send('{"action":"ok","n":1}');
      expect(await client.next()).toBe('{"action":"ok","n":1}');
    } finally {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }
  });

  it('resets the socket in the middle of its response: the Internal server error frame', async () => {
    await using healthy = await startTestBackend();
    await using faulty = await listenRaw((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
        setImmediate(() => socket.resetAndDestroy());
      });
    });
    await using gateway = await gatewayWithFaultyDefault(`${faulty.url}/message`, healthy.url);
    await using client = await connectClient(gateway.url());
    client.send('half an answer');
    expect(errorFrameMessage(await client.next())).toBe('Internal server error');
    client.send('{"action":"ok"}');
    expect(await client.next()).toBe('{"action":"ok"}');
  });

  it('hangs: the Endpoint request timed out frame after the integration timeout, and the connection goes on', async () => {
    await using healthy = await startTestBackend();
    await using hanging = await listenRaw(() => undefined);
    await using gateway = await gatewayWithFaultyDefault(`${hanging.url}/message`, healthy.url, 300);
    await using client = await connectClient(gateway.url());
    const started = Date.now();
    client.send('into the void');
    expect(errorFrameMessage(await client.next())).toBe('Endpoint request timed out');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    client.send('{"action":"ok"}');
    expect(await client.next()).toBe('{"action":"ok"}');
  });

  it.each([
    ['a line that is not HTTP', 'HELLO THERE\r\n\r\n'],
    ['a bad status line', 'HTTP/1.1 abc Nope\r\n\r\n'],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nBroken header\r\n\r\n'],
    ['binary noise', '\u0000\u0001\u0002\u00ff\r\n\r\n'],
  ])('answers garbage (%s): the Internal server error frame', async (_name, garbage) => {
    await using healthy = await startTestBackend();
    await using faulty = await listenRaw((socket) => {
      socket.once('data', () => socket.end(garbage, 'latin1'));
    });
    await using gateway = await gatewayWithFaultyDefault(`${faulty.url}/message`, healthy.url);
    await using client = await connectClient(gateway.url());
    client.send('garbage in');
    expect(errorFrameMessage(await client.next())).toBe('Internal server error');
    client.send('{"action":"ok"}');
    expect(await client.next()).toBe('{"action":"ok"}');
  });

  it('has a hostname that does not resolve: the Internal server error frame for a message, 502 for $connect', async () => {
    await using healthy = await startTestBackend();
    await using gateway = await gatewayWithFaultyDefault('http://no-such-backend.invalid/message', healthy.url, 1000);
    await using client = await connectClient(gateway.url());
    client.send('nowhere');
    expect(errorFrameMessage(await client.next())).toBe('Internal server error');
    client.send('{"action":"ok"}');
    expect(await client.next()).toBe('{"action":"ok"}');
    await using refusing = await startTestGateway({ routes: { $connect: { integration: 'connect' } }, integrations: { connect: { uri: 'http://no-such-backend.invalid/connect', timeoutMs: 1000 } } });
    expect(await refusedStatus(refusing.url())).toEqual({ status: 502, body: '{"message": "Internal server error"}' });
  });
});
