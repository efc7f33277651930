/**
 * Test helper: a scriptable HTTP backend on port 0 that records every request and lets a test
 * await the next one. The default handler answers 200 and echoes `/message` bodies.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type BackendHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface TestBackend {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaces the handler. */
  handle(handler: BackendHandler): void;
  /** The next request whose path starts with `pathPrefix` (already recorded or still to come). */
  next(pathPrefix: string): Promise<RecordedRequest>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export const echoHandler: BackendHandler = (request, response) => {
  if (request.path.startsWith('/message')) {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(request.body);
    return;
  }
  response.writeHead(200);
  response.end();
};

export async function startTestBackend(handler: BackendHandler = echoHandler): Promise<TestBackend> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const consumed = new Set<RecordedRequest>();
  let waiters: { prefix: string; resolve: (r: RecordedRequest) => void }[] = [];

  const server = createServer((incoming: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: RecordedRequest = { method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, body: Buffer.concat(chunks) };
      requests.push(request);
      const waiter = waiters.find((w) => request.path.startsWith(w.prefix));
      if (waiter !== undefined) {
        waiters = waiters.filter((w) => w !== waiter);
        consumed.add(request);
        waiter.resolve(request);
      }
      void Promise.resolve(current(request, response)).catch((error: unknown) => {
        response.destroy(error as Error);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url,
    requests,
    handle(next) {
      current = next;
    },
    next(prefix) {
      const ready = requests.find((r) => !consumed.has(r) && r.path.startsWith(prefix));
      if (ready !== undefined) {
        consumed.add(ready);
        return Promise.resolve(ready);
      }
      return new Promise((resolve) => waiters.push({ prefix, resolve }));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A URL on which nothing listens: a port that was free a moment ago. */
export async function unusedUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
