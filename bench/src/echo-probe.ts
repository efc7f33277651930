/**
 * Readiness by echo: a peer under test (Pushpin through its origin, serverless-offline through its
 * handler) is ready once one WebSocket round trip through it comes back, not merely once its port
 * accepts.
 */
import { WebSocket } from 'ws';

/** One WebSocket round trip to `url`: resolves true when `probe` came back as the reply. */
export function echoOnce(url: string, probe: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('open', () => socket.send(probe));
    socket.on('message', (data: Buffer) => done(data.toString('utf8') === probe));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}
