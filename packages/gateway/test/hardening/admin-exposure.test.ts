// Security default: the gateway refuses to start with a non-loopback admin listener and no
// authentication, and says why (SWB_ERR_ADMIN_EXPOSED); the `switchboard gateway` command exits 1
// with that message. Started for real: nothing listens after the refusal.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { startGateway } from '../../src/main.js';

/** The built `switchboard` command (`npm test` builds before it runs the tests). */
const cliEntry = new URL('../../../cli/bin/switchboard.js', import.meta.url);

describe('security: no unauthenticated admin listener off loopback', () => {
  it('startGateway rejects with SWB_ERR_ADMIN_EXPOSED before binding anything', async () => {
    const config = configSchema.parse({ listen: { host: '127.0.0.1', port: 0 }, admin: { host: '0.0.0.0', port: 0 } });
    await expect(startGateway(config, pino({ level: 'silent' }))).rejects.toMatchObject({ code: 'SWB_ERR_ADMIN_EXPOSED' });
  });

  it('starts on 0.0.0.0 with bearer authentication', async () => {
    const config = configSchema.parse({ listen: { host: '127.0.0.1', port: 0 }, admin: { host: '0.0.0.0', port: 0, auth: { mode: 'bearer', bearerTokens: ['0123456789abcdef0123'] } }, shutdown: { drainMs: 0 } });
    const running = await startGateway(config, pino({ level: 'silent' }));
    const response = await fetch(`http://127.0.0.1:${running.adminPort}/dev/@connections/x`);
    expect(response.status).toBe(403);
    await running.gateway.close();
  });

  it('the CLI exits 1 and prints the code and the remedy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-exposed-'));
    try {
      const file = join(dir, 'switchboard.yml');
      writeFileSync(file, 'listen: { host: 127.0.0.1, port: 0 }\nadmin: { host: 0.0.0.0, port: 0 }\n');
      const child = spawn(process.execPath, [cliEntry.pathname, 'gateway', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain('SWB_ERR_ADMIN_EXPOSED');
      expect(output).toContain('security.allowUnauthenticatedAdmin');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
