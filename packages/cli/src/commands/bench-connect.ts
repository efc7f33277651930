/**
 * Opens the clients of the load (bench-load.ts), at most 100 handshakes at a time, so that a large
 * `--connections` does not flood the gateway's accept queue.
 */
import { WebSocket } from 'ws';

const CONNECT_CONCURRENCY = 100;

export interface Connected {
  readonly sockets: WebSocket[];
  readonly failed: number;
  readonly firstError?: string;
}

/** Opens one client; rejects with the status when the handshake is refused. */
function open(url: string, timeoutMs: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    socket.once('open', () => {
      // Errors from now on are the load's to report; until it listens, they must not be unhandled.
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('unexpected-response', (_request, response) => {
      reject(new Error(`handshake refused with ${String(response.statusCode)}`));
      socket.terminate();
    });
    // `on`, not `once`: a refused handshake can be followed by a second error while it is torn down.
    socket.on('error', reject);
  });
}

/**
 * Opens `count` clients of `url`; `onSettled` gets the number of handshakes finished so far and how
 * many of them failed.
 */
export async function connectAll(
  url: string,
  count: number,
  timeoutMs: number,
  onSettled: (settled: number, failed: number) => void,
): Promise<Connected> {
  const sockets: WebSocket[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        sockets.push(await open(url, timeoutMs));
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      onSettled(sockets.length + failed, failed);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, worker));
  return { sockets, failed, ...(firstError === undefined ? {} : { firstError }) };
}
