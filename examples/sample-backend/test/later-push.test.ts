/**
 * The `later` route pushes through the AWS SDK to a fake `@connections` API on port 0: the path,
 * body and SigV4 credentials it sends, and a GoneException that is logged without harm.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { contextHeaders } from '@switchboard/protocol';
import {
  startBackend,
  startFakeManagementApi,
  type FakeManagementApi,
  type StartedBackend,
} from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(
  answer?: Parameters<typeof startFakeManagementApi>[0],
): Promise<{ started: StartedBackend; fake: FakeManagementApi }> {
  const fake = await startFakeManagementApi(answer);
  cleanups.push(() => fake.close());
  const started = await startBackend();
  cleanups.push(() => started.close());
  return { started, fake };
}

function later(started: StartedBackend, headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(`${started.url}/later`, { method: 'POST', headers, body: JSON.stringify(body) });
}

describe('later pushes through the management API', () => {
  it('answers 202 at once and then POSTs data to /{stage}/@connections/{id}', async () => {
    const { started, fake } = await setUp();
    const response = await later(
      started,
      {
        [contextHeaders.connectionId]: 'R1kmxc2VNjMCFIA=',
        [contextHeaders.managementUrl]: `${fake.url}/dev`,
      },
      { action: 'later', data: 'hi there', delayMs: 0 },
    );
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');

    const push = await fake.nextRequest();
    expect(push.method).toBe('POST');
    expect(push.path).toBe('/dev/@connections/R1kmxc2VNjMCFIA%3D');
    expect(push.body).toBe('hi there');
    expect(push.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=switchboard\/\d{8}\/us-east-1\/execute-api\/aws4_request, /,
    );
    await started.log.waitFor((e) => e.msg === 'later: pushed');
  });

  it('pushes "later" when there is no data, to the id in a connectionId header (AWS RequestParameters)', async () => {
    const { started, fake } = await setUp();
    const response = await later(
      started,
      { connectionId: 'abc/1', [contextHeaders.managementUrl]: `${fake.url}/dev/` },
      { action: 'later', delayMs: 1 },
    );
    expect(response.status).toBe(202);
    const push = await fake.nextRequest();
    expect(push.path).toBe('/dev/@connections/abc%2F1');
    expect(push.body).toBe('later');
  });

  it('uses the credentials and region given in options', async () => {
    const fake = await startFakeManagementApi();
    cleanups.push(() => fake.close());
    const started = await startBackend({
      managementCredentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      managementRegion: 'eu-west-1',
    });
    cleanups.push(() => started.close());
    await later(
      started,
      { [contextHeaders.connectionId]: 'c1', [contextHeaders.managementUrl]: `${fake.url}/dev` },
      { action: 'later', data: { n: 1 }, delayMs: 0 },
    );
    const push = await fake.nextRequest();
    expect(push.headers.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\//);
    expect(push.body).toBe('{"n":1}');
  });

  it('logs a GoneException and keeps serving', async () => {
    const { started, fake } = await setUp(() => ({
      status: 410,
      headers: { 'x-amzn-ErrorType': 'GoneException' },
    }));
    const response = await later(
      started,
      { [contextHeaders.connectionId]: 'gone1', [contextHeaders.managementUrl]: `${fake.url}/dev` },
      { action: 'later', data: 'too late', delayMs: 0 },
    );
    expect(response.status).toBe(202);
    const entry = await started.log.waitFor((e) => e.msg === 'later: connection is gone, push dropped');
    expect(entry.level).toBe('warn');
    expect(entry.fields).toEqual({ connectionId: 'gone1' });
    expect(fake.requests).toHaveLength(1);

    const health = await fetch(`${started.url}/healthz`);
    expect(health.status).toBe(200);
    const echo = await fetch(`${started.url}/message`, { method: 'POST', body: 'alive' });
    expect(await echo.text()).toBe('alive');
  });

  it('logs other push failures as errors', async () => {
    const { started, fake } = await setUp(() => ({
      status: 403,
      headers: { 'x-amzn-ErrorType': 'ForbiddenException', 'content-type': 'application/json' },
      body: '{"message":"Forbidden"}',
    }));
    await later(
      started,
      { [contextHeaders.connectionId]: 'c2', [contextHeaders.managementUrl]: `${fake.url}/dev` },
      { action: 'later', delayMs: 0 },
    );
    const entry = await started.log.waitFor((e) => e.msg === 'later: push failed');
    expect(entry.level).toBe('error');
    expect((entry.fields.err as Error).name).toBe('ForbiddenException');
  });
});

describe('later is bounded', () => {
  const headersFor = (fake: FakeManagementApi, id: string) => ({
    [contextHeaders.connectionId]: id,
    [contextHeaders.managementUrl]: `${fake.url}/dev`,
  });

  it('refuses a delay out of range with 400 and data over 128 KB with 413, scheduling nothing', async () => {
    const { started, fake } = await setUp();
    for (const delayMs of [-1, 60_001]) {
      const response = await later(started, headersFor(fake, 'c1'), { action: 'later', delayMs });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ message: 'delayMs must be from 0 to 60000 milliseconds' });
    }
    const large = await later(started, headersFor(fake, 'c1'), { action: 'later', data: 'x'.repeat(131_073), delayMs: 0 });
    expect(large.status).toBe(413);
    expect(await large.json()).toEqual({ message: 'data is 131073 bytes: at most 131072 can be pushed' });
    const body = JSON.stringify({ action: 'later', data: 'y'.repeat(300_000) });
    const huge = await fetch(`${started.url}/later`, { method: 'POST', headers: headersFor(fake, 'c1'), body });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ message: 'request body over 262144 bytes' });
    // Nothing was scheduled; a good request still goes through.
    expect(started.backend.pendingLaterPushes).toBe(0);
    expect((await later(started, headersFor(fake, 'c1'), { action: 'later', data: 'ok', delayMs: 0 })).status).toBe(202);
    expect((await fake.nextRequest()).body).toBe('ok');
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses pushes past the per-connection and total limits with 429, and takes them again once sent', async () => {
    let releaseAnswers: () => void = () => undefined;
    const answersReleased = new Promise<void>((resolve) => {
      releaseAnswers = resolve;
    });
    const fake = await startFakeManagementApi(async () => {
      await answersReleased;
      return { status: 200 };
    });
    cleanups.push(() => fake.close());
    const started = await startBackend({ laterLimits: { maxPerConnection: 2, maxTotal: 3 } });
    cleanups.push(() => started.close());
    const send = (id: string) => later(started, headersFor(fake, id), { action: 'later', data: id, delayMs: 0 });
    expect((await send('a')).status).toBe(202);
    expect((await send('a')).status).toBe(202);
    const perConnection = await send('a');
    expect(perConnection.status).toBe(429);
    expect(await perConnection.json()).toEqual({ message: 'this connection already has 2 later pushes waiting; wait for them' });
    expect((await send('b')).status).toBe(202);
    const total = await send('c');
    expect(total.status).toBe(429);
    expect(await total.json()).toEqual({ message: 'the backend already has 3 later pushes waiting; try again later' });
    expect(started.backend.pendingLaterPushes).toBe(3);
    // The three pushes are at the management API, which has not answered yet: still pending.
    for (let i = 0; i < 3; i++) await fake.nextRequest();
    expect((await send('a')).status).toBe(429);
    releaseAnswers();
    await started.log.waitFor((e) => e.msg === 'later: pushed' && started.log.entries.filter((x) => x.msg === 'later: pushed').length === 3);
    expect(started.backend.pendingLaterPushes).toBe(0);
    expect((await send('c')).status).toBe(202);
    expect((await fake.nextRequest()).body).toBe('c');
  });
});
