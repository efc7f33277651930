// Gateway node fault: SIGTERM under load. A real `switchboard gateway` process gets SIGTERM while 20
// clients have messages in flight and queued; every message it had accepted is answered before the
// clients are closed with 1001 (within shutdown.drainMs), and the process exits 0.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { freePort } from '../helpers/cluster-services.js';

const cliEntry = new URL('../../../cli/bin/switchboard.js', import.meta.url);
let cleanup: (() => void)[] = [];

afterEach(() => {
  for (const step of cleanup) step();
  cleanup = [];
});

describe('faults: SIGTERM under load', () => {
  it('answers every accepted message before closing clients with 1001, and exits 0', async () => {
    await using backend = await startTestBackend((request, response) => {
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(request.path.startsWith('/message') ? `reply to ${request.body.toString()}` : '');
      }, request.path.startsWith('/message') ? 100 : 0);
    });
    const [port, adminPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-sigterm-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'switchboard.yml');
    writeFileSync(
      file,
      [
        `listen: { host: 127.0.0.1, port: ${port} }`,
        `admin: { host: 127.0.0.1, port: ${adminPort} }`,
        'shutdown: { drainMs: 2000, disconnectFlushMs: 2000 }',
        'log: { level: warn }',
        'routes: { $default: { integration: message, twoWay: true }, $disconnect: { integration: disconnect } }',
        `integrations: { message: { uri: "${backend.url}/message" }, disconnect: { uri: "${backend.url}/disconnect" } }`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, [cliEntry.pathname, 'gateway', '--config', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanup.push(() => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    });
    let banner = '';
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the gateway exited with ${String(code)}: ${banner}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        banner += chunk.toString();
        if (banner.includes(`ws://127.0.0.1:${port}`)) resolve();
      });
    });
    const clients = await Promise.all(Array.from({ length: 20 }, () => connectClient(`ws://127.0.0.1:${port}/dev`)));
    const replies = clients.map((client) => {
      const got: string[] = [];
      client.ws.on('message', (data: Buffer) => got.push(data.toString()));
      return got;
    });
    // Three messages each: one in flight, two queued (dispatch.concurrency 1), 300 ms of work per client.
    for (const [n, client] of clients.entries()) for (let m = 0; m < 3; m++) client.send(`c${n}m${m}`);
    // Accepted: the gateway has handed the first message of every client to the backend.
    while (backend.requests.filter((r) => r.path === '/message').length < clients.length) await backend.next('/message');
    const exited = once(child, 'exit');
    if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    const closes = await Promise.all(clients.map((client) => client.closed));
    expect(closes.every((close) => close.code === 1001)).toBe(true);
    for (const [n, got] of replies.entries()) expect(got).toEqual([0, 1, 2].map((m) => `reply to c${n}m${m}`));
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(backend.requests.filter((r) => r.path === '/disconnect')).toHaveLength(20);
  });
});
