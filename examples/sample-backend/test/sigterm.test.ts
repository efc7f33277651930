/**
 * The real process: build, spawn `dist/main.js --port 0`, read the port from its stdout line, and
 * stop it with SIGTERM while a request is in flight (readiness 503, request answered, exit 0).
 */
import { execFileSync, spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rawClient } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = join(root, 'examples/sample-backend/dist/main.js');
const LISTENING = /^sample backend listening on (http:\/\/127\.0\.0\.1:(\d+))$/;

interface Spawned {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  port: number;
  exited: Promise<number | null>;
  /** Resolves with the first stderr log line (parsed JSON) whose `msg` is `msg`. */
  logged(msg: string): Promise<Record<string, unknown>>;
}

const children: Spawned['child'][] = [];
afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'examples/sample-backend'], { cwd: root, stdio: 'pipe' });
}, 120_000);

async function spawnBackend(args: string[]): Promise<Spawned> {
  const child = spawn(process.execPath, [main, '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stderr }).on('line', (text) => {
    if (!text.startsWith('{')) return;
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.msg === line.msg)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const stdout = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([
    once(stdout, 'line'),
    exited.then((code) => [`exited with ${String(code)}`]),
  ])) as [string];
  const match = LISTENING.exec(first);
  if (match === null) throw new Error(`unexpected first stdout line: ${first}`);
  return {
    child,
    url: match[1]!,
    port: Number(match[2]),
    exited,
    logged(msg) {
      const found = lines.find((line) => line.msg === msg);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ msg, resolve }));
    },
  };
}

describe('node dist/main.js', () => {
  it('prints its real port, drains on SIGTERM, finishes the in-flight request, and exits 0', async () => {
    const backend = await spawnBackend(['--drain-delay-ms', '1500']);
    expect(backend.port).toBeGreaterThan(0);
    const ready = await fetch(`${backend.url}/readyz`);
    expect(ready.status).toBe(200);

    // A request in flight: headers and part of the body.
    const client = await rawClient(backend.port);
    client.write('POST /message HTTP/1.1\r\nHost: backend\r\nContent-Length: 5\r\n\r\nhe');

    backend.child.kill('SIGTERM');
    await backend.logged('draining');
    const draining = await fetch(`${backend.url}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ status: 'draining' });

    // After the drain delay the backend closes, and still answers the request in flight.
    await backend.logged('closing');
    client.write('llo');
    const text = await client.readToEnd();
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toMatch(/\r\n\r\nhello$/);
    expect(await backend.exited).toBe(0);
  });

  it('exits 1 at once on a second signal', async () => {
    const backend = await spawnBackend(['--drain-delay-ms', '60000']);
    backend.child.kill('SIGTERM');
    await backend.logged('draining');
    backend.child.kill('SIGINT');
    expect(await backend.exited).toBe(1);
  });

  it('exits 2 with a message on a bad flag', () => {
    const result = spawnSync(process.execPath, [main, '--port', 'eighty'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--port must be an integer from 0 to 65535, got "eighty"');
  });
});
