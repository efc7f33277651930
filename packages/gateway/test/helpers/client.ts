/**
 * Test helper: a `ws` client that queues what it receives, so a test can await the next message,
 * the close, or the refused handshake's status.
 */
import { WebSocket, type ClientOptions } from 'ws';

export interface TestClient {
  readonly ws: WebSocket;
  send(data: string | Buffer): void;
  /** The next text message. */
  next(): Promise<string>;
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Connects and resolves once open; rejects with an error carrying `status` when the handshake is refused. */
export async function connectClient(url: string, protocols?: string[], options: ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, protocols, options);
  const received: string[] = [];
  const waiters: ((message: string) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    const waiter = waiters.shift();
    if (waiter === undefined) received.push(text);
    else waiter(text);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        reject(Object.assign(new Error(`handshake refused with ${response.statusCode}`), { status: response.statusCode, body: Buffer.concat(chunks).toString(), headers: response.headers }));
      });
    });
    ws.once('error', reject);
  });
  ws.on('error', () => undefined);
  const close = async () => {
    if (ws.readyState === WebSocket.CLOSED) return;
    ws.close();
    await closed;
  };
  return {
    ws,
    send(data) {
      ws.send(data);
    },
    next() {
      const ready = received.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((resolve) => waiters.push(resolve));
    },
    closed,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The status a refused handshake answered with. */
export async function refusedStatus(url: string, protocols?: string[]): Promise<{ status: number; body: string }> {
  try {
    const client = await connectClient(url, protocols);
    await client.close();
  } catch (error) {
    const { status, body } = error as { status?: number; body?: string };
    if (status !== undefined) return { status, body: body ?? '' };
    throw error;
  }
  throw new Error('the handshake was accepted');
}

/** A refused handshake's status, body and `x-switchboard-error-code` header. */
export async function refusal(url: string, options: ClientOptions = {}, protocols?: string[]): Promise<{ status: number; body: string; code: string | undefined }> {
  try {
    const client = await connectClient(url, protocols, options);
    await client.close();
  } catch (error) {
    const { status, body, headers } = error as { status?: number; body?: string; headers?: Record<string, string | string[] | undefined> };
    if (status !== undefined) return { status, body: body ?? '', code: headers?.['x-switchboard-error-code']?.toString() };
    throw error;
  }
  throw new Error('the handshake was accepted');
}

/** Every text message `client` receives from now on, in order (its `next()` queue is bypassed). */
export function collectMessages(client: TestClient): string[] {
  const received: string[] = [];
  client.ws.on('message', (data: Buffer) => received.push(data.toString()));
  return received;
}
