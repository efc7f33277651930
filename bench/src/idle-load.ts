/**
 * The client side of the idle-connection benchmark: spreads N connections evenly over as many
 * `idle-clients` processes as keep each under `perClient`, and over as many loopback source
 * addresses (127.0.0.2, 127.0.0.3, …) as keep each under `perAddress`, each address used by one
 * process only; starts every process at once; waits until every one has opened its
 * share, and later releases them and reports how many connections were lost while held.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startNode, stopChild, waitForLine, type Child } from './child-processes.js';
import { maxOpenFiles, openFiles } from './host-limits.js';

const clientScript = fileURLToPath(new URL('./idle-clients.js', import.meta.url));
/** Generous: 19,000 handshakes on a busy 2-core machine take well under a minute. */
const OPEN_TIMEOUT_MS = 600_000;

export interface IdleLoadOptions {
  readonly url: string;
  readonly connections: number;
  /** Most connections one client process opens (its file limit is 20,000 here). */
  readonly perClient: number;
  /** Most connections from one source address. */
  readonly perAddress: number;
  /** Handshakes in flight over all client processes together. */
  readonly parallel: number;
}

export interface ClientFigures {
  readonly pid: number;
  readonly sourceAddresses: readonly string[];
  readonly requested: number;
  readonly connected: number;
  readonly failed: number;
  readonly openSeconds: number;
  /** `ulimit -n` inside the client process. */
  readonly maxOpenFiles: number | null;
  /** File descriptors the client process held once its connections were open. */
  readonly openFiles: number;
  readonly errors: Readonly<Record<string, number>>;
}

export interface OpenedLoad {
  readonly clients: readonly ClientFigures[];
  readonly connected: number;
  readonly failed: number;
  /** From starting the first client process until the last one had opened its share. */
  readonly openSeconds: number;
  /** Closes every connection and stops the clients; resolves with the connections lost while held. */
  release(): Promise<{ readonly held: number; readonly closedWhileHeld: number }>;
}

interface OpenLine {
  readonly connected: number;
  readonly failed: number;
  readonly openMs: number;
  readonly errors: Record<string, number>;
}

/** Source address number `index`: 127.0.0.2 upwards (127.0.0.1 is left to the servers). */
function sourceAddress(index: number): string {
  if (index > 252) throw new Error('at most 253 source addresses (127.0.0.2 to 127.0.0.254)');
  return `127.0.0.${index + 2}`;
}

/** Splits `total` into `parts` shares that differ by one at most. */
function split(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, index) => Math.floor(total / parts) + (index < total % parts ? 1 : 0),
  );
}

export async function openIdleLoad(options: IdleLoadOptions): Promise<OpenedLoad> {
  const processes = Math.max(1, Math.ceil(options.connections / options.perClient));
  const parallelEach = Math.max(1, Math.floor(options.parallel / processes));
  const started = performance.now();
  const children: Child[] = [];
  const shares = split(options.connections, processes);
  let nextAddress = 0;
  const addresses = shares.map((share) =>
    Array.from({ length: Math.max(1, Math.ceil(share / options.perAddress)) }, () =>
      sourceAddress(nextAddress++),
    ),
  );
  try {
    const lines = shares.map((share, index) => {
      const own = addresses[index] ?? [];
      const child = startNode(`idle clients ${index} (${own.join(',')})`, [
        clientScript,
        '--url',
        options.url,
        '--connections',
        String(share),
        '--parallel',
        String(parallelEach),
        '--local-addresses',
        own.join(','),
      ]);
      children.push(child);
      return waitForLine(child, /^\{"connected".*\}$/, OPEN_TIMEOUT_MS).then(([line]) => ({
        line: JSON.parse(line) as OpenLine,
        doneAt: performance.now(),
      }));
    });
    const opened = await Promise.all(lines);
    const openSeconds = (Math.max(...opened.map((o) => o.doneAt)) - started) / 1000;
    const clients = opened.map(({ line }, index): ClientFigures => {
      const child = children[index];
      const pid = child?.pid ?? 0;
      return {
        pid,
        sourceAddresses: addresses[index] ?? [],
        requested: shares[index] ?? 0,
        connected: line.connected,
        failed: line.failed,
        openSeconds: line.openMs / 1000,
        maxOpenFiles: maxOpenFiles(pid),
        openFiles: openFiles(pid).files,
        errors: line.errors,
      };
    });
    return {
      clients,
      connected: clients.reduce((sum, c) => sum + c.connected, 0),
      failed: clients.reduce((sum, c) => sum + c.failed, 0),
      openSeconds,
      release: () => release(children),
    };
  } catch (error) {
    await Promise.all(children.map((child) => stopChild(child)));
    throw error;
  }
}

interface FinalReport {
  readonly held: number;
  readonly closedWhileHeld: number;
}

/**
 * The client's last line, read once its stdout has closed: the process exits right after writing
 * it, and its 'exit' may come before the line has been read.
 */
function finalReport(child: Child, timeoutMs: number): Promise<FinalReport | null> {
  let report: FinalReport | null = null;
  child.onLine((line) => {
    if (line.startsWith('{"held"')) report = JSON.parse(line) as FinalReport;
  });
  if (child.process.exitCode !== null || child.process.signalCode !== null) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(report), timeoutMs);
    child.process.once('close', () => {
      clearTimeout(timer);
      resolve(report);
    });
  });
}

async function release(children: readonly Child[]): Promise<FinalReport> {
  const reports = children.map((child) => finalReport(child, 60_000));
  for (const child of children) child.process.stdin?.end();
  try {
    const all = await Promise.all(reports);
    const missing = all.filter((report) => report === null).length;
    if (missing > 0) throw new Error(`${missing} idle client process(es) exited without their final report`);
    return {
      held: all.reduce((sum, r) => sum + (r?.held ?? 0), 0),
      closedWhileHeld: all.reduce((sum, r) => sum + (r?.closedWhileHeld ?? 0), 0),
    };
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
  }
}
