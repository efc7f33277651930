/**
 * Test helper: a WebSocket client made of a bare TCP socket, for frames no WebSocket library will
 * send (unmasked, reserved bits, unknown opcodes, bad close codes, floods). It performs the upgrade,
 * then writes frames as given and parses the server's frames, so a test can await the close code.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface ServerFrame {
  readonly opcode: number;
  readonly fin: boolean;
  readonly payload: Buffer;
}

export interface RawWebSocket {
  readonly socket: Socket;
  /** The HTTP status line and headers of the handshake answer. */
  readonly handshake: string;
  /** Writes raw bytes. */
  write(bytes: Buffer): void;
  /** Frames received so far (and every later one, as they come). */
  readonly frames: ServerFrame[];
  /** The next frame of `opcode` (already received or to come). */
  nextFrame(opcode: number): Promise<ServerFrame>;
  /** The server's close frame code (1005 when it had no payload), or undefined when the socket ended without one. */
  readonly closeCode: Promise<number | undefined>;
  /** Resolves when the TCP connection ended. */
  readonly ended: Promise<void>;
  destroy(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface FrameOptions {
  readonly fin?: boolean;
  readonly rsv?: number;
  readonly mask?: boolean;
  /** Declared payload length, when it should differ from the payload's (a lie). */
  readonly declaredLength?: number | bigint;
}

/** One client frame. Masked (as clients must) unless `mask: false`. */
export function frame(opcode: number, payload: Buffer | string = Buffer.alloc(0), options: FrameOptions = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const masked = options.mask ?? true;
  const length = options.declaredLength ?? data.length;
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode;
  let header: Buffer;
  if (typeof length === 'number' && length < 126) header = Buffer.from([first, (masked ? 0x80 : 0) | length]);
  else if (typeof length === 'number' && length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, data]);
  const key = randomBytes(4);
  const body = Buffer.from(data);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] ?? 0) ^ (key[i % 4] ?? 0);
  return Buffer.concat([header, key, body]);
}

/** A close frame with `code` (and an optional reason) as raw payload. */
export function closeFrame(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return frame(0x8, payload);
}

/**
 * Upgrades a raw TCP connection to `path` and resolves once the 101 arrived; rejects with the answer
 * otherwise. `early` is written right behind the upgrade request, before any answer.
 */
export async function rawWebSocket(port: number, path = '/dev', extraHeaders: Record<string, string> = {}, early?: Buffer): Promise<RawWebSocket> {
  const socket = connect(port, '127.0.0.1');
  const frames: ServerFrame[] = [];
  const unread: ServerFrame[] = [];
  let waiters: { opcode: number; resolve: (f: ServerFrame) => void }[] = [];
  let buffer = Buffer.alloc(0);
  let handshakeDone = false;
  let resolveHandshake: (text: string) => void = () => undefined;
  let rejectHandshake: (error: Error) => void = () => undefined;
  const handshake = new Promise<string>((resolve, reject) => {
    resolveHandshake = resolve;
    rejectHandshake = reject;
  });
  let resolveClose: (code: number | undefined) => void = () => undefined;
  const closeCode = new Promise<number | undefined>((resolve) => (resolveClose = resolve));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void ended.then(() => {
    resolveClose(undefined);
    if (!handshakeDone) rejectHandshake(new Error(`connection closed during the handshake: ${buffer.toString('latin1')}`));
  });
  socket.on('error', () => undefined);

  const parse = () => {
    for (;;) {
      if (buffer.length < 2) return;
      const first = buffer[0] ?? 0;
      const second = buffer[1] ?? 0;
      let length = second & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + length) return;
      const received: ServerFrame = { opcode: first & 0x0f, fin: (first & 0x80) !== 0, payload: buffer.subarray(offset, offset + length) };
      buffer = buffer.subarray(offset + length);
      frames.push(received);
      if (received.opcode === 0x8) resolveClose(received.payload.length >= 2 ? received.payload.readUInt16BE(0) : 1005);
      const waiter = waiters.find((w) => w.opcode === received.opcode);
      if (waiter !== undefined) {
        waiters = waiters.filter((w) => w !== waiter);
        waiter.resolve(received);
      } else unread.push(received);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (!handshakeDone) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffer.subarray(0, end).toString('latin1');
      buffer = buffer.subarray(end + 4);
      handshakeDone = true;
      if (!head.startsWith('HTTP/1.1 101')) {
        rejectHandshake(Object.assign(new Error(`handshake refused: ${head.split('\r\n')[0] ?? ''}`), { head }));
        socket.destroy();
        return;
      }
      resolveHandshake(head);
    }
    parse();
  });
  const headers = { host: `127.0.0.1:${port}`, upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': randomBytes(16).toString('base64'), 'sec-websocket-version': '13', ...extraHeaders };
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
  socket.write(early === undefined ? request : Buffer.concat([request, early]));
  const head = await handshake;
  const destroy = () => socket.destroy();
  return {
    socket,
    handshake: head,
    write: (bytes) => socket.write(bytes),
    frames,
    nextFrame(opcode) {
      const ready = unread.find((f) => f.opcode === opcode);
      if (ready !== undefined) {
        unread.splice(unread.indexOf(ready), 1);
        return Promise.resolve(ready);
      }
      return new Promise((resolve) => waiters.push({ opcode, resolve }));
    },
    closeCode,
    ended,
    destroy,
    async [Symbol.asyncDispose]() {
      destroy();
      await ended;
    },
  };
}
