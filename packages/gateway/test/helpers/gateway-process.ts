/**
 * Test helper: a `switchboard gateway` child process on free ports, from a YAML config fragment.
 * It resolves once the banner is printed; its stdout (banner and JSON log lines) is kept so a test
 * can await a line. Signals go to its pid; `stop()` and the async dispose SIGKILL it by pid and
 * await its exit, and remove its config directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cluster-services.js';

const cliEntry = new URL('../../../cli/bin/switchboard.js', import.meta.url);

export interface GatewayProcess {
  readonly pid: number;
  /** `ws://127.0.0.1:PORT/dev` */
  readonly clientUrl: string;
  /** `http://127.0.0.1:ADMIN` */
  readonly adminUrl: string;
  /** What it printed on stdout so far. */
  readonly output: string;
  /** Resolves with its exit code (null when a signal ended it). */
  readonly exitCode: Promise<number | null>;
  /** Resolves with the first stdout line, printed or to come, that matches; rejects if the process exits first. */
  waitForLine(pattern: RegExp): Promise<string>;
  signal(name: NodeJS.Signals): void;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface GatewayProcessOptions {
  /** `log.level` (JSON lines on stdout). @default 'info' */
  readonly logLevel?: string;
}

/** Starts `switchboard gateway` with `config` (YAML without `listen`, `admin` and `log`, which this sets). */
export async function startGatewayProcess(config: string, options: GatewayProcessOptions = {}): Promise<GatewayProcess> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-node-'));
  const file = join(dir, 'switchboard.yml');
  writeFileSync(file, `listen: { host: 127.0.0.1, port: ${port} }\nadmin: { host: 127.0.0.1, port: ${adminPort} }\nlog: { level: ${options.logLevel ?? 'info'}, format: json }\n${config}`);
  const child: ChildProcess = spawn(process.execPath, [cliEntry.pathname, 'gateway', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('the gateway process did not start');
  const pid = child.pid;
  let output = '';
  let stderr = '';
  let watchers: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const exited = once(child, 'exit');
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    watchers = watchers.filter(({ pattern, resolve }) => {
      const line = output.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) resolve(line);
      return line === undefined;
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const waitForLine = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const line = output.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) {
        resolve(line);
        return;
      }
      watchers.push({ pattern, resolve });
      void exited.then(() => reject(new Error(`the gateway exited before printing ${String(pattern)}: ${stderr}`)));
    });
  try {
    await waitForLine(new RegExp(`ws://127\\.0\\.0\\.1:${port}`));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid,
    clientUrl: `ws://127.0.0.1:${port}/dev`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    get output() {
      return output;
    },
    exitCode: exited.then(([code]) => code as number | null),
    waitForLine,
    signal(name) {
      process.kill(pid, name);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
