/**
 * Test helper: a TCP proxy on a free port in front of a broker, which a test can cut and restore.
 * `cut('drop')` resets every proxied connection and refuses new ones (the broker sees the client
 * leave); `cut('stall')` keeps every connection open but moves no byte either way (a partition:
 * neither side notices), and `restore()` lets the stalled bytes through again.
 */
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';

export type CutMode = 'drop' | 'stall';

export interface TcpProxy {
  /** The target URL with the proxy's port, e.g. `redis://127.0.0.1:PORT`. */
  readonly url: string;
  cut(mode: CutMode): void;
  restore(): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** One proxied connection: what each side sent while the proxy stalled waits in `held`. */
interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly held: { readonly to: Socket; readonly chunk: Buffer }[];
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const pairs = new Set<Pair>();
  let mode: CutMode | undefined;
  const forward = (pair: Pair, to: Socket) => (chunk: Buffer) => {
    if (mode === 'stall') pair.held.push({ to, chunk });
    else to.write(chunk);
  };
  const server = createServer((client) => {
    if (mode === 'drop') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: target.hostname, port: Number(target.port) });
    const pair: Pair = { client, upstream, held: [] };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
    client.on('data', forward(pair, upstream));
    upstream.on('data', forward(pair, client));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const close = async () => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `${target.protocol}//127.0.0.1:${port}`,
    cut(next) {
      mode = next;
      if (next === 'drop') for (const { client, upstream } of pairs) for (const socket of [client, upstream]) socket.resetAndDestroy();
    },
    restore() {
      mode = undefined;
      for (const pair of pairs) for (const { to, chunk } of pair.held.splice(0)) to.write(chunk);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
