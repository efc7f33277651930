/**
 * Readiness by echo: a peer under test (Pushpin through its origin, serverless-offline through its
 * handler) is ready once one WebSocket round trip through it comes back, not merely once its port
 * accepts. `waitUntilEchoing` is the start-up wait both use.
 */
import { WebSocket } from 'ws';
import type { Child } from './child-processes.js';

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

export interface WaitEchoingOptions {
  /** The system's name, for errors. */
  readonly name: string;
  readonly timeoutMs: number;
  /** The text sent; it must come back. */
  readonly probe: string;
  /** How long one round trip may take (a first call may start a worker). */
  readonly probeTimeoutMs: number;
  readonly pauseMs: number;
  /** More detail for errors, e.g. the system's own log tails. @default none */
  readonly details?: () => string;
}

/**
 * Waits until one WebSocket round trip through `url` comes back, trying again after each failure;
 * rejects when `child` exits meanwhile or `timeoutMs` runs out, with its stderr tail.
 */
export async function waitUntilEchoing(url: string, child: Child, options: WaitEchoingOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const details = (): string => {
    const extra = options.details?.() ?? '';
    return `${child.stderrTail().trim()}${extra === '' ? '' : `\n${extra}`}`;
  };
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`${options.name} exited while starting: ${details()}`);
    }
    if (await echoOnce(url, options.probe, options.probeTimeoutMs)) return;
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  }
  throw new Error(`${options.name} at ${url} did not echo within ${options.timeoutMs} ms: ${details()}`);
}
