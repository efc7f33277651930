/**
 * The backend client over TLS (`https://` integration URIs) against a real `node:https` server with
 * a self-signed certificate made by `openssl req -x509` in a temp dir: requests and keep-alive reuse
 * once the certificate is trusted, and a clear failure, never sent, when it is not.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendPool } from '../../src/integrations/http1/backend-pool.js';

let dir = '';
let cert = '';
let key = '';
let server: Server;
let port = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-backend-tls-'));
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'pipe', timeout: 20_000 },
  );
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'text/plain');
      res.end(`tls:${Buffer.concat(chunks).toString()}`);
    });
  });
  server.on('secureConnection', (socket: Socket) => sockets.add(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const options = { maxRequestsPerConnection: 0, maxConnectionAgeMs: 0, maxConnections: 8, pipelining: 1 };

describe('BackendPool over TLS', () => {
  it('sends requests once the certificate is trusted, reusing one connection', async () => {
    const pool = new BackendPool(
      { protocol: 'https:', host: '127.0.0.1', port, hostHeader: `localhost:${port}`, servername: 'localhost', ca: cert },
      options,
    );
    try {
      for (const body of ['one', 'two', 'three']) {
        const response = await pool.request({ method: 'POST', path: '/message', headers: {}, body: Buffer.from(body) }, 2_000);
        expect(response.statusCode).toBe(200);
        expect(response.body.toString()).toBe(`tls:${body}`);
      }
      expect(pool.size).toBe(1);
    } finally {
      await pool.destroy();
    }
  });

  it('fails an untrusted certificate with the TLS error, as never sent', async () => {
    const pool = new BackendPool({ protocol: 'https:', host: '127.0.0.1', port, hostHeader: `127.0.0.1:${port}` }, options);
    try {
      await expect(
        pool.request({ method: 'POST', path: '/message', headers: {}, body: Buffer.from('x') }, 2_000),
      ).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', sent: false });
    } finally {
      await pool.destroy();
    }
  });
});
