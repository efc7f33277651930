/**
 * Test helpers: a recording logger, a sample backend on port 0, a fake `@connections` management
 * API on port 0, and a raw TCP client for pipelined HTTP. Every server closes itself in `close()`.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { buildSampleBackend, type SampleBackend, type SampleBackendOptions } from '../src/index.js';
import type { Logger } from '../src/logger.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  msg: string | undefined;
}

export interface RecordingLogger {
  logger: Logger;
  entries: LogEntry[];
  /** Resolves with the first entry, past or future, that matches. */
  waitFor(match: (entry: LogEntry) => boolean): Promise<LogEntry>;
}

export function recordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const waiters: { match: (entry: LogEntry) => boolean; resolve: (entry: LogEntry) => void }[] = [];
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg?: string): void => {
      const entry: LogEntry = { level, fields: { ...obj }, msg };
      entries.push(entry);
      for (const waiter of [...waiters]) {
        if (waiter.match(entry)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(entry);
        }
      }
    };
  return {
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    entries,
    waitFor(match) {
      const found = entries.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

export interface StartedBackend {
  backend: SampleBackend;
  url: string;
  port: number;
  log: RecordingLogger;
  close(): Promise<void>;
}

export async function startBackend(
  options: Omit<SampleBackendOptions, 'logger'> = {},
): Promise<StartedBackend> {
  const log = recordingLogger();
  const backend = buildSampleBackend({ ...options, logger: log.logger });
  const { url, port } = await backend.listen(0);
  return { backend, url, port, log, close: () => backend.close() };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FakeManagementApi {
  /** `http://127.0.0.1:PORT`; append the stage, e.g. `${url}/dev`. */
  url: string;
  requests: RecordedRequest[];
  /** Resolves with the next request, or one received and not yet taken. */
  nextRequest(): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/** A fake `@connections` API that records each request and answers with `answer(request)`. */
export async function startFakeManagementApi(
  answer: (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer> = () => ({ status: 200 }),
): Promise<FakeManagementApi> {
  const requests: RecordedRequest[] = [];
  const unread: RecordedRequest[] = [];
  const readers: ((request: RecordedRequest) => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const reader = readers.shift();
      if (reader === undefined) unread.push(request);
      else reader(request);
      void Promise.resolve(answer(request)).then(({ status, headers = {}, body = '' }) => {
        res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
        res.end(body);
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    nextRequest() {
      const request = unread.shift();
      if (request !== undefined) return Promise.resolve(request);
      return new Promise((resolve) => readers.push(resolve));
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export interface RawClient {
  socket: Socket;
  write(data: string): void;
  /** Everything the server sent until it closed the connection. */
  readToEnd(): Promise<string>;
}

/** A plain TCP connection, to send partial and pipelined HTTP/1.1 requests. */
export async function rawClient(port: number): Promise<RawClient> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<string>((resolve, reject) => {
    socket.once('close', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.once('error', reject);
  });
  return {
    socket,
    write(data) {
      socket.write(data);
    },
    readToEnd: () => ended,
  };
}
