// The frame reader wired in front of a real `ws` server on a real socket, with a real `ws` client:
// the reader takes `ws`'s place as the socket's only `data` listener, delivers plain data frames
// itself, and `ws` still reads everything else (a fragmented message, pings) from the bytes it is
// handed. This is what fails first if a `ws` upgrade changes how it listens to the socket.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ClientFrameReader } from '../../src/transport/client-frame-reader.js';
import { attachFrameReader, readBeforeWs } from '../../src/transport/frame-reader-socket.js';

let server: Server | undefined;
let client: WebSocket | undefined;

afterEach(async () => {
  client?.terminate();
  if (server !== undefined) await new Promise((resolve) => server?.close(resolve));
  server = undefined;
  client = undefined;
});

describe('a frame reader in front of ws', () => {
  it('takes the place of ws on the socket, delivers plain frames itself and leaves the rest to ws, in order', async () => {
    const log: string[] = [];
    let socketListeners = -1;
    let tookOver = false;
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 });
    server = createServer();
    server.on('upgrade', (request, socket: Duplex, head: Buffer) => {
      const reader = new ClientFrameReader<WebSocket>(
        { maxFrameBytes: 0, maxMessageBytes: 1024, rejectBinary: false },
        {
          message: (ws, data, binary) => {
            log.push(`reader ${binary ? 'binary' : 'text'} ${data.toString()}`);
            ws.send(`reader got ${data.toString()}`);
          },
          isOpen: (ws) => ws.readyState === WebSocket.OPEN,
          violation: (violation) => log.push(`violation ${violation}`),
        },
      );
      socket.pause();
      attachFrameReader(socket, reader);
      wss.handleUpgrade(request, socket, head, (ws) => {
        reader.owner = ws;
        ws.on('message', (data: Buffer, binary) => {
          log.push(`ws ${binary ? 'binary' : 'text'} ${data.toString()}`);
          ws.send(`ws got ${data.toString()}`);
        });
        ws.on('error', (error: Error & { code?: string }) => log.push(`ws error ${error.code ?? ''}`));
        tookOver = readBeforeWs(socket, reader);
        socketListeners = socket.listenerCount('data');
        socket.resume();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    client = new WebSocket(`ws://127.0.0.1:${String(port)}`, { perMessageDeflate: false });
    await once(client, 'open');
    const ws = client;
    // Each step waits for its answer, so that each reaches the server in a read of its own.
    const answer = async () => String((await once(ws, 'message'))[0]);
    ws.send('one');
    expect(await answer()).toBe('reader got one');
    const pong = once(ws, 'pong');
    ws.ping('are you there');
    expect(String((await pong)[0])).toBe('are you there');
    ws.send('frag', { fin: false });
    ws.send('mented', { fin: true });
    expect(await answer()).toBe('ws got fragmented');
    ws.send(Buffer.from('two'), { binary: true });
    expect(await answer()).toBe('reader got two');
    ws.send('x'.repeat(2000)); // over maxMessageBytes: left to ws, which closes with 1009
    const [code] = (await once(ws, 'close')) as [number];
    expect(tookOver).toBe(true);
    expect(socketListeners).toBe(1);
    expect(log).toEqual(['reader text one', 'ws text fragmented', 'reader binary two', 'ws error WS_ERR_UNSUPPORTED_MESSAGE_LENGTH']);
    expect(code).toBe(1009);
  });
});
