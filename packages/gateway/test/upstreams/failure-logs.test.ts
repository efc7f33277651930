/**
 * Failure logs name the replica that failed. An integration with three upstreams whose second one
 * fails (garbage, a hang past the timeout, a connection closed after the request, a 500 from an
 * AWS_PROXY endpoint): the client gets the AWS error frame, and the `integration failed` log line
 * and the `switchboard:integration:error` event name that second replica, never the first `uri`.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient } from '../helpers/client.js';
import { startLoggedGateway as loggedGateway, type LogLine } from '../helpers/logged-gateway.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function listening(server: Server | ReturnType<typeof createHttpServer>, sockets: Set<Socket>): Promise<string> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A healthy replica: echoes HTTP_PROXY bodies, and answers AWS_PROXY events with a proxy result. */
async function healthyReplica(): Promise<string> {
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (req.url === '/lambda') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ statusCode: 200, body: `ok:${(JSON.parse(body) as { body: string }).body}` }));
      } else res.end(`ok:${body}`);
    });
  });
  return listening(server, new Set());
}

/** A replica that reads each request and then does `fault` with its socket. */
async function faultyReplica(fault: (socket: Socket) => void): Promise<string> {
  return listening(
    createNetServer((socket) => {
      socket.once('data', () => fault(socket));
    }),
    new Set(),
  );
}

/** `switchboard:integration:error` events, until the test ends. */
function integrationErrors(): { upstream?: string; code: string }[] {
  const events: { upstream?: string; code: string }[] = [];
  const listener = (message: unknown): void => {
    events.push(message as { upstream?: string; code: string });
  };
  subscribe('switchboard:integration:error', listener);
  closers.push(() => Promise.resolve(void unsubscribe('switchboard:integration:error', listener)));
  return events;
}

const CASES = [
  {
    name: 'answers garbage',
    fault: (socket: Socket) => socket.end('NOT HTTP AT ALL\r\n\r\n'),
    code: 'SWB_ERR_BACKEND_BAD_RESPONSE',
    frame: 'Internal server error',
  },
  {
    name: 'hangs past the integration timeout',
    fault: () => undefined,
    code: 'SWB_ERR_BACKEND_TIMEOUT',
    frame: 'Endpoint request timed out',
  },
  {
    name: 'closes the connection after reading the request',
    fault: (socket: Socket) => socket.destroy(),
    code: 'SWB_ERR_BACKEND_UNREACHABLE',
    frame: 'Internal server error',
  },
] as const;

describe('failure logs name the replica that failed', () => {
  it.each(CASES)('HTTP_PROXY, the second of three replicas $name: the log names it', async ({ fault, code, frame }) => {
    const [first, third] = await Promise.all([healthyReplica(), healthyReplica()]);
    const second = await faultyReplica(fault);
    const lines: LogLine[] = [];
    const errors = integrationErrors();
    await using gateway = await loggedGateway(
      {
        integrations: { message: { uri: `${first}/message`, uris: [`${second}/message`, `${third}/message`], timeoutMs: 1_000 } },
        routes: { $default: { integration: 'message', twoWay: true } },
      },
      lines,
    );
    await using client = await connectClient(gateway.url);
    client.send('m0');
    expect(await client.next()).toBe('ok:m0');
    client.send('m1');
    expect(JSON.parse(await client.next())).toMatchObject({ message: frame });
    const failed = lines.filter((line) => line.msg === 'integration failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ code, err: { upstream: second } });
    expect(failed[0]?.err?.message).toContain(`${second}/message`);
    expect(failed[0]?.err?.message).not.toContain(first);
    expect(errors).toEqual([expect.objectContaining({ code, upstream: second })]);
  });

  it('AWS_PROXY over HTTP, the second of three replicas answers 500: the log names it', async () => {
    const [first, third] = await Promise.all([healthyReplica(), healthyReplica()]);
    const second = await listening(
      createHttpServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(500);
          res.end('boom');
        });
      }),
      new Set(),
    );
    const lines: LogLine[] = [];
    await using gateway = await loggedGateway(
      {
        integrations: { lambda: { type: 'AWS_PROXY', uri: `${first}/lambda`, uris: [`${second}/lambda`, `${third}/lambda`] } },
        routes: { $default: { integration: 'lambda', twoWay: true } },
      },
      lines,
    );
    await using client = await connectClient(gateway.url);
    client.send('m0');
    expect(await client.next()).toBe('ok:m0');
    client.send('m1');
    expect(JSON.parse(await client.next())).toMatchObject({ message: 'Internal server error' });
    const failed = lines.filter((line) => line.msg === 'integration failed');
    expect(failed).toEqual([expect.objectContaining({ code: 'SWB_ERR_BACKEND_BAD_RESPONSE', err: expect.objectContaining({ upstream: second }) as unknown })]);
    expect(failed[0]?.err?.message).toContain(`endpoint ${second}/lambda answered 500`);
    client.send('m2');
    expect(await client.next()).toBe('ok:m2');
  });
});
