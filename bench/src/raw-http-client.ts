/**
 * A minimal keep-alive HTTP/1.1 client for load generation, in the spirit of autocannon: one TCP
 * connection, one request at a time, requests prebuilt as bytes, answers parsed just enough (status
 * line, Content-Length, body). It spends far less CPU per request than a general client, so that on
 * a small machine the load process leaves the cores to the system under test. Answers without a
 * Content-Length (chunked) are not supported and fail the request.
 */
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly body: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /^content-length:\s*(\d+)\s*$/im;
const CONNECTION_CLOSE = /^connection:\s*close\s*$/im;

/** The bytes of one request, built once and sent as often as needed. */
export function buildRequest(
  method: string,
  host: string,
  path: string,
  body: Buffer,
  contentType: string,
): Buffer {
  const head =
    `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${contentType}\r\n` +
    `Content-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

interface Pending {
  readonly resolve: (answer: RawAnswer) => void;
  readonly reject: (error: Error) => void;
}

export class RawHttpConnection {
  readonly #host: string;
  readonly #port: number;
  #socket: Socket | null = null;
  #buffer: Buffer = Buffer.alloc(0);
  #pending: Pending | null = null;

  constructor(host: string, port: number) {
    this.#host = host;
    this.#port = port;
  }

  /** Sends `request` (from buildRequest) and resolves with the answer; one request at a time. */
  request(request: Buffer): Promise<RawAnswer> {
    if (this.#pending !== null) return Promise.reject(new Error('a request is already in flight'));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#ensureSocket().write(request);
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = null;
  }

  #ensureSocket(): Socket {
    if (this.#socket !== null) return this.#socket;
    const socket = connect({ host: this.#host, port: this.#port, noDelay: true });
    this.#buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    const fail = (error: Error): void => {
      // A socket this connection already let go of (closed after `Connection: close`) is not news.
      if (this.#socket !== socket) return;
      this.#socket = null;
      const pending = this.#pending;
      this.#pending = null;
      pending?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed before the answer')));
    this.#socket = socket;
    return socket;
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const headerEnd = this.#buffer.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.#buffer.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const length = CONTENT_LENGTH.exec(head)?.[1];
    const pending = this.#pending;
    if (length === undefined) {
      this.#pending = null;
      this.close();
      pending?.reject(new Error(`answer ${status} without Content-Length`));
      return;
    }
    const end = headerEnd + HEADER_END.length + Number(length);
    if (this.#buffer.length < end) return;
    const body = this.#buffer.subarray(headerEnd + HEADER_END.length, end);
    this.#buffer = this.#buffer.subarray(end);
    this.#pending = null;
    if (CONNECTION_CLOSE.test(head)) this.close();
    pending?.resolve({ status, body });
  }
}
