// The Lambda runner provides the AWS SDK v3 as the Lambda Node.js runtime does: handlers copied to a
// folder outside the repository (so no node_modules is found by walking up) require and import
// @aws-sdk/* clients; the function's own node_modules still win; a missing package fails the init
// with Runtime.ImportModuleError; management API calls to the AWS host names reach the redirect
// target with their Host header and signature, and other https calls are left alone.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaFunctionSpec } from '../../src/lambda/lambda-function.js';
import { LambdaRunner } from '../../src/lambda/lambda-runner.js';
import { invocationFailure } from './invocation-failure.js';

const fixtures = fileURLToPath(new URL('../fixtures/lambda-sdk/', import.meta.url));
const credentials = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

let codeDir: string;
let ownDir: string;
let target: Server;
const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
let runner: LambdaRunner;

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), 'swb-lambda-sdk-'));
  codeDir = join(root, 'fn');
  await cp(fixtures, codeDir, { recursive: true });
  // A second copy with its own @aws-sdk/client-dynamodb, which must win over the provided one.
  ownDir = join(root, 'own');
  await cp(fixtures, ownDir, { recursive: true });
  const own = join(ownDir, 'node_modules', '@aws-sdk', 'client-dynamodb');
  await mkdir(own, { recursive: true });
  const real = createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb');
  await writeFile(join(own, 'package.json'), JSON.stringify({ name: '@aws-sdk/client-dynamodb', main: 'index.js' }));
  await writeFile(
    join(own, 'index.js'),
    `const real = require(${JSON.stringify(real)});\nexports.DynamoDBClient = real.DynamoDBClient;\nexports.OWN_COPY = 'function folder';\n`,
  );
  target = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const port = (target.address() as AddressInfo).port;
  runner = new LambdaRunner({
    region: 'eu-west-1',
    baseEnv: credentials,
    managementRedirect: () => ({
      hosts: ['abc123.execute-api.eu-west-1.amazonaws.com', 'chat.example.com'],
      target: `http://127.0.0.1:${port}`,
    }),
  });
  return async () => {
    await rm(root, { recursive: true, force: true });
  };
});

afterAll(async () => {
  await runner.close();
  await new Promise<void>((resolve) => target.close(() => resolve()));
});

const fn = (dir: string, handler: string): LambdaFunctionSpec => ({
  name: `${handler.replace(/\W/g, '-')}-${dir === ownDir ? 'own' : 'provided'}`,
  codeDir: dir,
  handler,
  timeoutMs: 15_000,
});

describe('the AWS SDK as the Lambda runtime provides it', () => {
  it('is not reachable from the copied function folder by itself', () => {
    const fromFunction = createRequire(join(codeDir, 'sdk-cjs.js'));
    expect(() => fromFunction.resolve('@aws-sdk/client-dynamodb')).toThrow(/Cannot find module/);
  });

  it('resolves for a CommonJS handler that requires @aws-sdk clients', async () => {
    const result = (await runner.invoke(fn(codeDir, 'sdk-cjs.handler'), {})) as Record<string, unknown>;
    expect(result).toMatchObject({ dynamodb: 'function', document: 'function', management: 'function', marker: null });
    expect(result['resolved']).toBe(createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb'));
  });

  it('resolves for an ESM handler that imports @aws-sdk clients', async () => {
    expect(await runner.invoke(fn(codeDir, 'sdk-esm.handler'), {})).toEqual({
      dynamodb: 'function',
      document: 'function',
      management: 'function',
      region: 'eu-west-1',
      marker: null,
    });
  });

  it("lets the function's own node_modules win, for require and import", async () => {
    const cjs = (await runner.invoke(fn(ownDir, 'sdk-cjs.handler'), {})) as Record<string, unknown>;
    expect(cjs['marker']).toBe('function folder');
    expect(cjs['resolved']).toBe(join(ownDir, 'node_modules', '@aws-sdk', 'client-dynamodb', 'index.js'));
    const esm = (await runner.invoke(fn(ownDir, 'sdk-esm.handler'), {})) as Record<string, unknown>;
    expect(esm['marker']).toBe('function folder');
  });

  it('fails a CommonJS handler that requires a missing package with Runtime.ImportModuleError', async () => {
    const error = await invocationFailure(runner.invoke(fn(codeDir, 'missing-cjs.handler'), {}));
    expect(error.code).toBe('SWB_ERR_LAMBDA_HANDLER');
    expect(error.errorType).toBe('Runtime.ImportModuleError');
    expect(error.errorMessage).toBe(
      `Error: Cannot find module 'switchboard-no-such-package'\nRequire stack:\n- ${join(codeDir, 'missing-cjs.js')}`,
    );
  });

  it('fails an ESM handler that imports a missing package with Runtime.ImportModuleError', async () => {
    const error = await invocationFailure(runner.invoke(fn(codeDir, 'missing-esm.handler'), {}));
    expect(error.code).toBe('SWB_ERR_LAMBDA_HANDLER');
    expect(error.errorType).toBe('Runtime.ImportModuleError');
    expect(error.errorMessage).toBe(
      `Error: Cannot find package 'switchboard-no-such-package' imported from ${join(codeDir, 'missing-esm.mjs')}`,
    );
  });
});

describe('management API calls to the AWS host names', () => {
  it.each([
    ['the execute-api host name', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod', 'abc123.execute-api.eu-west-1.amazonaws.com'],
    ["the API's domain name", 'https://chat.example.com/prod', 'chat.example.com'],
  ])('reach the redirect target for %s, with the Host header and SigV4 signature of the AWS call', async (_, endpoint, host) => {
    const before = seen.length;
    const result = await runner.invoke(fn(codeDir, 'post.handler'), { endpoint, connectionId: 'Abc=', data: 'hello' });
    expect(result).toEqual({ status: 200 });
    const request = seen[before];
    expect(request).toMatchObject({ method: 'POST', url: '/prod/@connections/Abc%3D', body: 'hello' });
    expect(request?.headers['host']).toBe(host);
    expect(request?.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('leave other https requests alone: one to another host goes there, over TLS', async () => {
    let firstByte: number | undefined;
    const other = createTcpServer((socket) => {
      socket.once('data', (data) => {
        firstByte = data[0];
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const port = (other.address() as AddressInfo).port;
      const result = (await runner.invoke(fn(codeDir, 'tls-probe.handler'), { url: `https://127.0.0.1:${port}/` })) as Record<string, unknown>;
      expect(result['error']).toBe('ECONNRESET');
      // 0x16: a TLS handshake record, so the request was sent as it was, not redirected in plain HTTP.
      expect(firstByte).toBe(0x16);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });
});
