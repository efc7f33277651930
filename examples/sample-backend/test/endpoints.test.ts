/**
 * Each endpoint over real HTTP on port 0: connect (accept, reject, subprotocol), disconnect,
 * message echo, later validation, health, and the 404/405/413 answers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextHeaders } from '@switchboard/protocol';
import { startBackend, type StartedBackend } from './helpers.js';

let started: StartedBackend;
beforeEach(async () => {
  started = await startBackend();
});
afterEach(async () => {
  await started.close();
});

const context = {
  [contextHeaders.connectionId]: 'Qyi07eCbtjMCJKw=',
  [contextHeaders.stage]: 'dev',
  [contextHeaders.managementUrl]: 'http://127.0.0.1:1/dev',
};

describe('POST /connect', () => {
  it('accepts with 200 and an empty body', async () => {
    const response = await fetch(`${started.url}/connect?channel=news`, { method: 'POST', headers: context });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(response.headers.get('sec-websocket-protocol')).toBeNull();
    const entry = await started.log.waitFor((e) => e.msg === 'connect');
    expect(entry.fields).toMatchObject({
      connectionId: 'Qyi07eCbtjMCJKw=',
      stage: 'dev',
      query: 'channel=news',
    });
  });

  it('answers the status asked for with ?reject=', async () => {
    const response = await fetch(`${started.url}/connect?reject=401`, { method: 'POST', headers: context });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ message: 'rejected by the sample backend (reject=401)' });
  });

  it('answers 400 to a reject value that is not a status', async () => {
    const response = await fetch(`${started.url}/connect?reject=nope`, { method: 'POST', headers: context });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'reject must be an HTTP status from 200 to 599' });
  });

  it('echoes the first offered subprotocol', async () => {
    const response = await fetch(`${started.url}/connect`, {
      method: 'POST',
      headers: { ...context, 'sec-websocket-protocol': 'chat1, myprotocol' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('sec-websocket-protocol')).toBe('chat1');
  });
});

describe('POST /disconnect', () => {
  it('answers 200 and logs the close code and the decoded reason', async () => {
    const response = await fetch(`${started.url}/disconnect`, {
      method: 'POST',
      headers: {
        ...context,
        [contextHeaders.disconnectStatusCode]: '1001',
        [contextHeaders.disconnectReason]: encodeURIComponent('going away, bye'),
      },
    });
    expect(response.status).toBe(200);
    const entry = await started.log.waitFor((e) => e.msg === 'disconnect');
    expect(entry.fields).toEqual({
      connectionId: 'Qyi07eCbtjMCJKw=',
      statusCode: 1001,
      reason: 'going away, bye',
      sessionDeleted: false,
    });
  });
});

describe('POST /message', () => {
  it('echoes the frame as text with the session message count, until $disconnect deletes the session', async () => {
    const headers = { ...context, [contextHeaders.connectionId]: 'count-test' };
    const send = (body: string): Promise<Response> => fetch(`${started.url}/message`, { method: 'POST', headers, body });
    const response = await send('hello');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('hello [#1]');
    expect(await (await send('hello')).text()).toBe('hello [#2]');
    expect((await fetch(`${started.url}/disconnect`, { method: 'POST', headers })).status).toBe(200);
    expect(await (await send('again')).text()).toBe('again [#1]');
  });

  it('answers after the delay asked for with x-sample-delay-ms, and logs it', async () => {
    const before = Date.now();
    const response = await fetch(`${started.url}/message`, {
      method: 'POST',
      headers: { ...context, [contextHeaders.connectionId]: 'slow-test', 'x-sample-delay-ms': '200' },
      body: 'slow',
    });
    expect(await response.text()).toBe('slow [#1]');
    expect(Date.now() - before).toBeGreaterThanOrEqual(190);
    const entry = await started.log.waitFor((e) => e.msg === 'message: answering after a delay');
    expect(entry.fields).toMatchObject({ connectionId: 'slow-test', delayMs: 200 });
  });

  it('answers 400, without counting the message, to an x-sample-delay-ms that is not a delay it allows', async () => {
    const headers = { ...context, [contextHeaders.connectionId]: 'bad-delay-test' };
    const bad = await fetch(`${started.url}/message`, { method: 'POST', headers: { ...headers, 'x-sample-delay-ms': 'soon' }, body: 'x' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: 'x-sample-delay-ms must be a whole number of milliseconds from 0 to 10000, got "soon"' });
    expect(await (await fetch(`${started.url}/message`, { method: 'POST', headers, body: 'x' })).text()).toBe('x [#1]');
  });

  it('echoes the text unchanged, with no session, when called without a connection id', async () => {
    const response = await fetch(`${started.url}/message`, { method: 'POST', body: 'direct' });
    expect(await response.text()).toBe('direct');
  });

  it('echoes binary frames byte for byte', async () => {
    const bytes = new Uint8Array([0, 255, 1, 254, 0x80]);
    const response = await fetch(`${started.url}/message`, {
      method: 'POST',
      headers: { ...context, [contextHeaders.binary]: 'true' },
      body: bytes,
    });
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });

  it('echoes a text body that is not UTF-8 byte for byte, with the count after it', async () => {
    const headers = { ...context, [contextHeaders.connectionId]: 'not-utf8-test' };
    const bytes = new Uint8Array([0x68, 0xff, 0xfe, 0x69]);
    const response = await fetch(`${started.url}/message`, { method: 'POST', headers, body: bytes });
    expect(response.status).toBe(200);
    const expected = Buffer.concat([Buffer.from(bytes), Buffer.from(' [#1]')]);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(expected);
  });

  it('echoes an empty frame', async () => {
    const headers = { ...context, [contextHeaders.connectionId]: 'empty-frame-test' };
    const response = await fetch(`${started.url}/message`, { method: 'POST', headers, body: '' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(' [#1]');
  });

  it('accepts a body of exactly 256 KB', async () => {
    const body = 'x'.repeat(256 * 1024);
    const response = await fetch(`${started.url}/message`, { method: 'POST', body });
    expect(response.status).toBe(200);
    expect((await response.text()).length).toBe(body.length);
  });

  it('answers 413 to a body over 256 KB', async () => {
    const response = await fetch(`${started.url}/message`, {
      method: 'POST',
      body: 'x'.repeat(256 * 1024 + 1),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'request body over 262144 bytes' });
  });
});

describe('POST /later', () => {
  it('answers 400 with a JSON message to a body that is not JSON', async () => {
    const response = await fetch(`${started.url}/later`, {
      method: 'POST',
      headers: context,
      body: '{"action":"later",',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json');
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(/^body is not valid JSON: /);
  });

  it('answers 400 to a non-numeric delayMs', async () => {
    const response = await fetch(`${started.url}/later`, {
      method: 'POST',
      headers: context,
      body: JSON.stringify({ action: 'later', delayMs: '10' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'delayMs must be a number of milliseconds' });
  });

  it('answers 400 without a connection id', async () => {
    const response = await fetch(`${started.url}/later`, {
      method: 'POST',
      headers: { [contextHeaders.managementUrl]: 'http://127.0.0.1:1/dev' },
      body: JSON.stringify({ action: 'later' }),
    });
    expect(response.status).toBe(400);
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(/^no connection id/);
  });

  it('answers 400 without a management URL', async () => {
    const response = await fetch(`${started.url}/later`, {
      method: 'POST',
      headers: { [contextHeaders.connectionId]: 'abc' },
      body: JSON.stringify({ action: 'later' }),
    });
    expect(response.status).toBe(400);
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(/^no management URL/);
  });
});

describe('health', () => {
  it('GET /healthz answers ok', async () => {
    const response = await fetch(`${started.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers ready, then 503 draining after startDraining()', async () => {
    const ready = await fetch(`${started.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    started.backend.startDraining();
    expect(started.backend.draining).toBe(true);
    const draining = await fetch(`${started.url}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ status: 'draining' });
    // Event endpoints answer the drain signal, so the gateway resends them to another replica.
    const echo = await fetch(`${started.url}/message`, { method: 'POST', body: 'not here' });
    expect(echo.status).toBe(503);
    expect(echo.headers.get('x-switchboard-draining')).toBe('1');
    expect(echo.headers.get('connection')).toBe('close');
  });
});

describe('unknown paths and methods', () => {
  it('answers 404 with JSON to an unknown path', async () => {
    const response = await fetch(`${started.url}/nope`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'no endpoint at /nope' });
  });

  it('answers 405 with Allow to a wrong method', async () => {
    const response = await fetch(`${started.url}/message`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toEqual({ message: 'GET is not allowed on /message' });
    const health = await fetch(`${started.url}/healthz`, { method: 'POST', body: 'x' });
    expect(health.status).toBe(405);
    expect(health.headers.get('allow')).toBe('GET, HEAD');
  });
});
