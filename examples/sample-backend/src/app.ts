/**
 * buildSampleBackend: the sample backend as an unbound `node:http` server with its endpoints,
 * readiness, and a graceful `close()`. It never installs signal handlers; `run.ts` does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createSessionStore, type SessionStore } from '@switchboard/session-store';
import type { BackendEvent } from './backend-event.js';
import { handleConnect } from './connect.js';
import { handleDisconnect } from './disconnect.js';
import { drainingReply } from './draining.js';
import { sampleEventHandlers } from './event-handlers.js';
import { handleHealthz, handleReadyz } from './health.js';
import { InFlightRequests } from './in-flight.js';
import { handleLambdaEvents, MAX_BATCH_BODY_BYTES } from './lambda-events.js';
import { handleLater } from './later.js';
import { createConsoleLogger, type Logger } from './logger.js';
import { ManagementClients, type ManagementCredentials } from './management-clients.js';
import { handleMessage } from './message.js';
import { PendingPushes, type PendingLimits } from './pending-pushes.js';
import { PushScheduler } from './push-scheduler.js';
import { MAX_BODY_BYTES, readBody } from './read-body.js';
import { errorReply, type Reply } from './reply.js';
import { lookupEndpoint, splitTarget, type Endpoint } from './router.js';
import { DEFAULT_SESSION_TTL_SECONDS, Sessions } from './sessions.js';
import { writeReply } from './write-reply.js';

export interface SampleBackendOptions {
  /**
   * Where logs go: a pino logger, or anything with `debug/info/warn/error(obj, msg)`.
   * @default JSON lines on stderr at level info (see createConsoleLogger)
   */
  logger?: Logger;
  /**
   * Credentials the `later` pushes are signed with.
   * @default { accessKeyId: 'switchboard', secretAccessKey: 'switchboard' }
   */
  managementCredentials?: ManagementCredentials;
  /**
   * Region in the SigV4 scope of the `later` pushes.
   * @default 'us-east-1'
   */
  managementRegion?: string;
  /**
   * Where sessions (message counts per connection) are kept; the backend closes it in `close()`.
   * @default an in-process memory store
   */
  sessionStore?: SessionStore | Promise<SessionStore>;
  /**
   * TTL of a session, restarted on each message; it must outlast the gateway's maximum connection.
   * @default 10800 (3 h)
   */
  sessionTtlSeconds?: number;
  /**
   * How many `later` pushes may wait, per connection and in total; past either the request gets 429.
   * @default { maxPerConnection: 100, maxTotal: 10000 }
   */
  laterLimits?: PendingLimits;
}

export interface ListenResult {
  url: string;
  port: number;
}

export interface SampleBackend {
  /** The HTTP server; not listening until `listen()`. */
  readonly server: Server;
  /** True from `startDraining()` or `close()` on: `/readyz` answers 503. */
  readonly draining: boolean;
  /** `http://HOST:PORT` once listening. */
  readonly url: string | undefined;
  /** `later` pushes scheduled or being sent (bounded by `laterLimits`). */
  readonly pendingLaterPushes: number;
  /** Listen on `port` (0 picks a free one) and `host`, default 127.0.0.1. */
  listen(port: number, host?: string): Promise<ListenResult>;
  /**
   * Start draining: readiness turns 503, and the event endpoints answer the drain 503 (with
   * `x-switchboard-draining`) so the gateway resends those requests to another replica.
   */
  startDraining(): void;
  /**
   * Drain and stop: readiness turns 503 at once, no new connections are accepted, idle keep-alive
   * connections are closed, in-flight requests finish, waiting `later` pushes are sent at once and
   * awaited. Resolves when all of that is done; calling it again returns the same promise.
   */
  close(): Promise<void>;
}

const EMPTY: Buffer = Buffer.alloc(0);

/** End a socket and destroy it once its last bytes are flushed, as Node does after `Connection: close`. */
function endSoon(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end();
  if (socket.writableFinished) socket.destroy();
  else socket.once('finish', () => socket.destroy());
}

export function buildSampleBackend(options: SampleBackendOptions = {}): SampleBackend {
  const logger = options.logger ?? createConsoleLogger();
  const clients = new ManagementClients({
    ...(options.managementCredentials === undefined ? {} : { credentials: options.managementCredentials }),
    ...(options.managementRegion === undefined ? {} : { region: options.managementRegion }),
  });
  const scheduler = new PushScheduler((error: unknown) => {
    logger.error({ err: error }, 'later: push task failed');
  });
  const pending = new PendingPushes(options.laterLimits);
  const inFlight = new InFlightRequests();
  const sessions = new Sessions(
    Promise.resolve(options.sessionStore ?? createSessionStore({ kind: 'memory' })),
    options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS,
  );
  const eventHandlers = sampleEventHandlers(sessions, logger);
  let draining = false;
  let closing = false;
  let url: string | undefined;
  let closed: Promise<void> | undefined;

  const endpoints = new Map<string, Endpoint>([
    [
      '/connect',
      {
        methods: ['POST'],
        readBody: true,
        refusedWhileDraining: true,
        handle: (event) => handleConnect(event, logger),
      },
    ],
    [
      '/disconnect',
      {
        methods: ['POST'],
        readBody: true,
        refusedWhileDraining: true,
        handle: (event) => handleDisconnect(event, sessions, logger),
      },
    ],
    [
      '/message',
      {
        methods: ['POST'],
        readBody: true,
        refusedWhileDraining: true,
        handle: (event) => handleMessage(event, sessions, logger),
      },
    ],
    [
      '/later',
      {
        methods: ['POST'],
        readBody: true,
        refusedWhileDraining: true,
        handle: (event) => handleLater(event, { scheduler, clients, logger, pending }),
      },
    ],
    [
      '/events',
      {
        methods: ['POST'],
        readBody: true,
        maxBodyBytes: MAX_BATCH_BODY_BYTES,
        refusedWhileDraining: true,
        handle: (event) =>
          handleLambdaEvents(event.body, eventHandlers, (error) => {
            logger.error({ err: error }, 'events: an event failed');
          }),
      },
    ],
    ['/healthz', { methods: ['GET', 'HEAD'], readBody: false, handle: () => handleHealthz() }],
    ['/readyz', { methods: ['GET', 'HEAD'], readBody: false, handle: () => handleReadyz(draining) }],
  ]);

  /** The reply for one request, or undefined when the client left before its body was read. */
  async function answer(req: IncomingMessage): Promise<Reply | undefined> {
    const method = req.method ?? 'GET';
    const { path, query } = splitTarget(req.url ?? '/');
    const lookup = lookupEndpoint(endpoints, method, path);
    switch (lookup.kind) {
      case 'not-found':
        return errorReply(404, `no endpoint at ${path}`);
      case 'method-not-allowed':
        return errorReply(405, `${method} is not allowed on ${path}`, { allow: lookup.allow });
      case 'found': {
        if (draining && lookup.endpoint.refusedWhileDraining === true) return drainingReply();
        let body = EMPTY;
        const limit = lookup.endpoint.maxBodyBytes ?? MAX_BODY_BYTES;
        if (lookup.endpoint.readBody) {
          let read: Buffer | undefined;
          try {
            read = await readBody(req, limit);
          } catch (error) {
            logger.debug({ path, err: error }, 'client left before sending its body');
            return undefined;
          }
          if (read === undefined) return errorReply(413, `request body over ${limit} bytes`);
          body = read;
        }
        const event: BackendEvent = { method, path, query, headers: req.headers, body };
        return lookup.endpoint.handle(event);
      }
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply | undefined;
    try {
      reply = await answer(req);
    } catch (error) {
      logger.error({ method: req.method, url: req.url, err: error }, 'request failed');
      reply = errorReply(500, 'Internal server error');
    }
    if (reply === undefined || res.destroyed) return;
    // While draining, every answer ends its keep-alive connection, so the gateway opens no new
    // request on it; while closing, the last answer on a socket does.
    writeReply(res, reply, (draining && reply.status === 503) || (closing && inFlight.on(req.socket) <= 1));
  }

  const server = createServer((req, res) => {
    const socket = req.socket;
    inFlight.started(socket);
    res.once('close', () => {
      inFlight.finished(socket);
      // While closing, a keep-alive connection whose last answer went out without
      // `Connection: close` (a pipelined request was queued then) ends here.
      if (closing && inFlight.on(socket) === 0) endSoon(socket);
    });
    void serve(req, res);
  });

  async function close(): Promise<void> {
    draining = true;
    closing = true;
    scheduler.flush();
    if (server.listening) {
      const stopped = new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
      });
      server.closeIdleConnections();
      await stopped;
    }
    await scheduler.settled();
    clients.destroy();
    await sessions.close();
  }

  return {
    server,
    get draining() {
      return draining;
    },
    get url() {
      return url;
    },
    get pendingLaterPushes() {
      return pending.total;
    },
    async listen(port: number, host = '127.0.0.1'): Promise<ListenResult> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      return { url, port: address.port };
    },
    startDraining() {
      draining = true;
    },
    close() {
      closed ??= close();
      return closed;
    },
  };
}
