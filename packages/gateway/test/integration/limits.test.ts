import { describe, expect, it } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';

describe('limits and timers', () => {
  it('closes with 1009 on a frame over limits.maxFrameBytes', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), limits: { maxFrameBytes: 1024, maxMessageBytes: 4096 } });
    const client = await connectClient(gateway.url());
    client.send('a'.repeat(1024));
    expect(await client.next()).toHaveLength(1024);
    client.send('a'.repeat(1025));
    expect((await client.closed).code).toBe(1009);
    expect(backend.requests.filter((r) => r.path === '/message')).toHaveLength(1);
  });

  it('closes with 1009 on a fragmented message over limits.maxMessageBytes, though each frame fits', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), limits: { maxFrameBytes: 1024, maxMessageBytes: 2048 } });
    const client = await connectClient(gateway.url());
    const part = 'b'.repeat(1000);
    client.ws.send(part, { fin: false });
    client.ws.send(part, { fin: false });
    client.ws.send(part, { fin: true });
    expect((await client.closed).code).toBe(1009);
    expect(backend.requests.filter((r) => r.path === '/message')).toHaveLength(0);
    expect((await backend.next('/disconnect')).headers['x-switchboard-disconnect-status-code']).toBe('1009');
  });

  it('closes with 1007 on invalid UTF-8 in a text frame, and reports 1007 in $disconnect', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway(routesTo(backend.url));
    const client = await connectClient(gateway.url());
    // A masked text frame (opcode 1) whose payload 0xff 0xfe is not UTF-8, written past ws's own checks.
    const socket = (client.ws as unknown as { _socket: { write(data: Buffer): void } })._socket;
    socket.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xff, 0xfe]));
    expect((await client.closed).code).toBe(1007);
    expect((await backend.next('/disconnect')).headers['x-switchboard-disconnect-status-code']).toBe('1007');
  });

  it('accepts a fragmented message within both limits as one message', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), limits: { maxFrameBytes: 1024, maxMessageBytes: 4096 } });
    await using client = await connectClient(gateway.url());
    client.ws.send('x'.repeat(1000), { fin: false });
    client.ws.send('y'.repeat(1000), { fin: true });
    expect(await client.next()).toBe('x'.repeat(1000) + 'y'.repeat(1000));
  });

  it('closes with 1003 on a binary frame by default', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway(routesTo(backend.url));
    const client = await connectClient(gateway.url());
    client.send(Buffer.from([1, 2, 3]));
    expect((await client.closed).code).toBe(1003);
    expect(backend.requests.filter((r) => r.path === '/message')).toHaveLength(0);
    const disconnect = await backend.next('/disconnect');
    expect(disconnect.headers['x-switchboard-disconnect-status-code']).toBe('1003');
  });

  it('forwards binary frames to $default when limits.binary is accept', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), limits: { binary: 'accept' } });
    await using client = await connectClient(gateway.url());
    const received = new Promise<{ data: Buffer; isBinary: boolean }>((resolve) => client.ws.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })));
    client.send(Buffer.from([0xff, 0x00, 0x7f]));
    const request = await backend.next('/message');
    expect([...request.body]).toEqual([0xff, 0x00, 0x7f]);
    expect(request.headers['content-type']).toBe('application/octet-stream');
    expect(request.headers['x-switchboard-binary']).toBe('1');
    const reply = await received;
    expect(reply.isBinary).toBe(true);
    expect([...reply.data]).toEqual([0xff, 0x00, 0x7f]);
  });

  it('closes an idle connection with 1001 and reports it in $disconnect', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), timeouts: { idleMs: 200 } });
    const client = await connectClient(gateway.url());
    const started = Date.now();
    const closed = await client.closed;
    expect(closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await backend.next('/disconnect')).headers['x-switchboard-disconnect-status-code']).toBe('1001');
  });

  it('keeps a connection alive while messages flow, and closes it at the maximum duration with 1001', async () => {
    await using backend = await startTestBackend();
    await using gateway = await startTestGateway({ ...routesTo(backend.url), timeouts: { idleMs: 150, maxConnectionMs: 600 } });
    const client = await connectClient(gateway.url());
    const started = Date.now();
    let replies = 0;
    const chatter = setInterval(() => client.send('ping'), 40);
    client.ws.on('message', () => replies++);
    const closed = await client.closed;
    clearInterval(chatter);
    expect(closed.code).toBe(1001);
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);
    expect(replies).toBeGreaterThan(3);
  });
});
