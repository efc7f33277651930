// Bad input, WebSocket protocol: frames no well-behaved client sends, written raw to the real gateway.
// Each case asserts the exact close code (or answer), what the backend heard, and that a bystander
// connection kept working. The catalogue with the documented behaviour is docs/security.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { connectClient, type TestClient } from '../helpers/client.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { closeFrame, frame, rawWebSocket } from './raw-websocket.js';

const TEXT = 0x1;
const CONTINUATION = 0x0;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

let backend: TestBackend;
let gateway: TestGateway;
let bystander: TestClient;

beforeAll(async () => {
  backend = await startTestBackend();
  gateway = await startTestGateway({ ...routesTo(backend.url), limits: { maxFrameBytes: 1024, maxMessageBytes: 4096 } });
  bystander = await connectClient(gateway.url());
});

afterAll(async () => {
  await bystander.close();
  await gateway.close();
  await backend.close();
});

/** The bystander still gets its echo: one client's bad input cost nobody else anything. */
async function bystanderStillServed(): Promise<void> {
  const text = `still here ${Math.random()}`;
  bystander.send(text);
  expect(await bystander.next()).toBe(text);
}

/** Messages the backend received with this exact body. */
function delivered(body: string): number {
  return backend.requests.filter((r) => r.path === '/message' && r.body.toString() === body).length;
}

async function expectClose(bytes: Buffer, code: number): Promise<void> {
  await using raw = await rawWebSocket(gateway.clientPort);
  raw.write(bytes);
  expect(await raw.closeCode).toBe(code);
  await raw.ended;
  await bystanderStillServed();
}

describe('bad input: WebSocket frames', () => {
  it('closes with 1002 on an unmasked client frame, and delivers nothing', async () => {
    await expectClose(frame(TEXT, 'unmasked-1', { mask: false }), 1002);
    expect(delivered('unmasked-1')).toBe(0);
  });

  it('closes with 1002 on reserved bits set without an extension', async () => {
    await expectClose(frame(TEXT, 'rsv-1', { rsv: 0b100 }), 1002);
    expect(delivered('rsv-1')).toBe(0);
  });

  it('closes with 1002 on an unknown opcode (0x3 data, 0xB control)', async () => {
    await expectClose(frame(0x3, 'opcode-3'), 1002);
    await expectClose(frame(0xb, 'opcode-b'), 1002);
    expect(delivered('opcode-3')).toBe(0);
  });

  it('closes with 1007 on invalid UTF-8 in a text frame, and 1007 reaches $disconnect', async () => {
    await expectClose(frame(TEXT, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 1007);
    const disconnects = backend.requests.filter((r) => r.path === '/disconnect' && r.headers['x-switchboard-disconnect-status-code'] === '1007');
    expect(disconnects.length).toBeGreaterThanOrEqual(1);
  });

  it('closes with 1007 on UTF-8 split invalidly across fragments', async () => {
    // 0xE2 0x82 starts a 3-byte sequence; the next fragment does not continue it.
    await expectClose(Buffer.concat([frame(TEXT, Buffer.from([0xe2, 0x82]), { fin: false }), frame(CONTINUATION, Buffer.from([0x41]))]), 1007);
  });

  it('closes with 1009 on a frame over limits.maxFrameBytes, before its payload arrives', async () => {
    await using raw = await rawWebSocket(gateway.clientPort);
    // Only the header, declaring 2 GB: the gateway must not wait for (or buffer) the payload.
    raw.write(frame(TEXT, Buffer.alloc(0), { declaredLength: 2 ** 31 }));
    expect(await raw.closeCode).toBe(1009);
    await bystanderStillServed();
  });

  it('closes with 1009 on a 64-bit length with the top bit set (2^63)', async () => {
    await using raw = await rawWebSocket(gateway.clientPort);
    raw.write(frame(TEXT, Buffer.alloc(0), { declaredLength: 2n ** 63n }));
    expect([1002, 1009]).toContain(await raw.closeCode);
    await raw.ended;
    await bystanderStillServed();
  });

  it('closes with 1009 on a flood of small fragments whose sum exceeds limits.maxMessageBytes', async () => {
    await using raw = await rawWebSocket(gateway.clientPort);
    const parts = [frame(TEXT, 'x'.repeat(8), { fin: false })];
    for (let i = 0; i < 1000; i++) parts.push(frame(CONTINUATION, 'y'.repeat(8), { fin: false }));
    raw.write(Buffer.concat(parts));
    expect(await raw.closeCode).toBe(1009);
    expect(backend.requests.filter((r) => r.path === '/message' && r.body.toString().startsWith('xxxxxxxxyyyy'))).toHaveLength(0);
    await bystanderStillServed();
  });

  it('accepts 500 one-byte fragments within the limits as one message', async () => {
    await using raw = await rawWebSocket(gateway.clientPort);
    const parts = [frame(TEXT, 'f', { fin: false })];
    for (let i = 0; i < 498; i++) parts.push(frame(CONTINUATION, 'f', { fin: false }));
    parts.push(frame(CONTINUATION, 'F'));
    raw.write(Buffer.concat(parts));
    const reply = await raw.nextFrame(TEXT);
    expect(reply.payload.toString()).toBe(`${'f'.repeat(499)}F`);
  });

  it('closes with 1002 on a continuation frame with no message started, and on a new data frame inside a fragmented message', async () => {
    await expectClose(frame(CONTINUATION, 'orphan'), 1002);
    await expectClose(Buffer.concat([frame(TEXT, 'a', { fin: false }), frame(TEXT, 'b')]), 1002);
  });

  it('closes with 1002 on a fragmented or oversize (over 125 bytes) control frame', async () => {
    await expectClose(frame(PING, 'p', { fin: false }), 1002);
    await expectClose(frame(PING, 'p'.repeat(126)), 1002);
  });

  it('drops a connection that floods pings faster than its pongs are written (ws: over 60 pending), with 1006 and no close frame', async () => {
    await using raw = await rawWebSocket(gateway.clientPort);
    const pings: Buffer[] = [];
    for (let i = 0; i < 5000; i++) pings.push(frame(PING, String(i)));
    raw.write(Buffer.concat(pings));
    expect(await raw.closeCode).toBeUndefined();
    await raw.ended;
    const pongs = raw.frames.filter((f) => f.opcode === PONG).length;
    expect(pongs).toBeGreaterThan(0);
    expect(pongs).toBeLessThan(5000);
    await bystanderStillServed();
  });

  it('answers 300 pings sent one at a time, each after its pong, and keeps the connection', async () => {
    await using raw = await rawWebSocket(gateway.clientPort);
    for (let i = 0; i < 300; i++) {
      raw.write(frame(PING, String(i)));
      expect((await raw.nextFrame(PONG)).payload.toString()).toBe(String(i));
    }
    raw.write(frame(TEXT, 'after the pings'));
    expect((await raw.nextFrame(TEXT)).payload.toString()).toBe('after the pings');
  });

  it('closes with 1008 on more than 16,384 fragments in one message, even within the size limit', async () => {
    await using ownBackend = await startTestBackend();
    await using roomy = await startTestGateway(routesTo(ownBackend.url));
    await using raw = await rawWebSocket(roomy.clientPort);
    const parts = [frame(TEXT, 'z', { fin: false })];
    for (let i = 0; i < 16_400; i++) parts.push(frame(CONTINUATION, 'z', { fin: false }));
    raw.write(Buffer.concat(parts));
    expect(await raw.closeCode).toBe(1008);
    const disconnect = await ownBackend.next('/disconnect');
    expect(disconnect.headers['x-switchboard-disconnect-status-code']).toBe('1008');
    await bystanderStillServed();
  });

  it('pings during a fragmented message do not break it', async () => {
    await using raw = await rawWebSocket(gateway.clientPort);
    raw.write(Buffer.concat([frame(TEXT, 'part1-', { fin: false }), frame(PING, 'x'), frame(CONTINUATION, 'part2')]));
    expect((await raw.nextFrame(TEXT)).payload.toString()).toBe('part1-part2');
    expect((await raw.nextFrame(PONG)).payload.toString()).toBe('x');
  });

  it.each([
    ['0 (not a close code)', 0],
    ['999 (below the range)', 999],
    ['1005 (reserved: no status)', 1005],
    ['1006 (reserved: abnormal)', 1006],
    ['1015 (reserved: TLS)', 1015],
    ['1016 (unassigned)', 1016],
    ['2999 (reserved for extensions)', 2999],
    ['5000 (above the range)', 5000],
  ])('answers a close with the invalid code %s with 1002', async (_name, code) => {
    await expectClose(closeFrame(code), 1002);
  });

  it('closes with 1002 on a close frame with a 1-byte payload, and with 1007 on a non-UTF-8 close reason', async () => {
    await expectClose(frame(CLOSE, Buffer.from([0x03])), 1002);
    await expectClose(frame(CLOSE, Buffer.from([0x03, 0xe8, 0xff])), 1007);
  });

  it('echoes a valid close code (4000) and reports it and the reason in $disconnect', async () => {
    await using ownBackend = await startTestBackend();
    await using own = await startTestGateway(routesTo(ownBackend.url));
    await using raw = await rawWebSocket(own.clientPort);
    raw.write(closeFrame(4000, 'bye'));
    expect(await raw.closeCode).toBe(4000);
    const disconnect = await ownBackend.next('/disconnect');
    expect(disconnect.headers['x-switchboard-disconnect-status-code']).toBe('4000');
    expect(disconnect.headers['x-switchboard-disconnect-reason']).toBe('bye');
  });

  it('drops a connection that sends garbage instead of a frame header, without affecting others', async () => {
    await expectClose(Buffer.from('GET / HTTP/1.1\r\n\r\n'), 1002);
  });
});
