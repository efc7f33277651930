// Bad input, messages: deeply nested and huge JSON in route selection, template injection and
// template bombs, and a message that arrives while $connect is still running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { connectClient, type TestClient } from '../helpers/client.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { frame, rawWebSocket } from './raw-websocket.js';

describe('bad input: JSON in route selection', () => {
  let backend: TestBackend;
  let gateway: TestGateway;
  let bystander: TestClient;

  beforeAll(async () => {
    backend = await startTestBackend();
    gateway = await startTestGateway({ ...routesTo(backend.url, { known: { path: '/known', twoWay: false } }) });
    bystander = await connectClient(gateway.url());
  });
  afterAll(async () => {
    await bystander.close();
    await gateway.close();
    await backend.close();
  });

  /** Sends `text` as one message in frames of at most 32,000 bytes (under limits.maxFrameBytes). */
  function sendFragmented(client: TestClient, text: string): void {
    for (let offset = 0; offset < text.length; offset += 32_000) client.ws.send(text.slice(offset, offset + 32_000), { fin: offset + 32_000 >= text.length });
  }

  async function bystanderStillServed(): Promise<void> {
    const text = `still here ${Math.random()}`;
    bystander.send(text);
    expect(await bystander.next()).toBe(text);
  }

  it('routes 128 KB of nested arrays as the action to $default, and the gateway stays responsive', async () => {
    await using client = await connectClient(gateway.url());
    const depth = 65_000;
    const nested = `{"action":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(nested.length).toBeLessThanOrEqual(131_072);
    sendFragmented(client, nested);
    expect(await client.next()).toBe(nested); // $default echoes it: delivered, not lost
    await bystanderStillServed();
  });

  it('routes a body that is only 128 KB of nesting (not an object) to $default', async () => {
    await using client = await connectClient(gateway.url());
    const nested = `${'['.repeat(65_536)}${']'.repeat(65_535)}`; // unbalanced: not JSON
    sendFragmented(client, nested);
    expect(await client.next()).toBe(nested);
    const balanced = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    sendFragmented(client, balanced);
    expect(await client.next()).toBe(balanced);
  });

  it('routes a huge flat object (10,000 keys) by its action', async () => {
    await using client = await connectClient(gateway.url());
    const body: Record<string, unknown> = { action: 'known' };
    for (let i = 0; i < 10_000; i++) body[`k${i}`] = i;
    const text = JSON.stringify(body);
    sendFragmented(client, text);
    const request = await backend.next('/known');
    expect(request.body.toString()).toBe(text);
  });

  it('does not resolve the action through the prototype (__proto__, constructor)', async () => {
    await using client = await connectClient(gateway.url());
    client.send('{"__proto__":{"action":"known"}}');
    expect(await client.next()).toBe('{"__proto__":{"action":"known"}}');
    client.send('{"action":{"__proto__":"x"}}');
    expect(await client.next()).toBe('{"action":{"__proto__":"x"}}');
  });

  it('selects by an action that is an array or object the AWS way, without throwing', async () => {
    await using client = await connectClient(gateway.url());
    client.send('{"action":["known"]}');
    expect(await client.next()).toBe('{"action":["known"]}');
  });
});

describe('bad input: template injection and template bombs (HTTP integration, VTL)', () => {
  let backend: TestBackend;
  let gateway: TestGateway;

  beforeAll(async () => {
    backend = await startTestBackend();
    gateway = await startTestGateway({
      routes: {
        $default: { integration: 'echoTemplate', twoWay: true },
        nested: { integration: 'nestedLoops', twoWay: true },
        doubling: { integration: 'doubling', twoWay: true },
        deepScan: { integration: 'deepScan', twoWay: true },
      },
      integrations: {
        echoTemplate: { type: 'HTTP', uri: `${backend.url}/message`, requestTemplates: { $default: '{"said":"$util.escapeJavaScript($input.body)","id":"$context.connectionId"}' } },
        nestedLoops: {
          type: 'HTTP',
          uri: `${backend.url}/message`,
          requestTemplates: { $default: "#foreach($a in $input.path('$.items'))#foreach($b in $input.path('$.items'))#foreach($c in $input.path('$.items'))x#end#end#end" },
        },
        doubling: { type: 'HTTP', uri: `${backend.url}/message`, requestTemplates: { $default: "#set($s = $input.path('$.seed'))#foreach($i in [1..40])#set($s = \"$s$s\")#end$s.length()" } },
        deepScan: { type: 'HTTP', uri: `${backend.url}/message`, requestTemplates: { $default: "{\"found\":$input.json('$..a')}" } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await backend.close();
  });

  it('treats VTL in a message as data: directives in the body are sent, never evaluated', async () => {
    await using client = await connectClient(gateway.url());
    const attack = '#set($x = $context.connectionId)#foreach($i in [1..100000])boom#end ${util.urlEncode("x")} $context.requestId';
    client.send(attack);
    const reply = JSON.parse(await client.next()) as { said: string; id: string };
    expect(reply.said).toBe(attack);
  });

  it('stops nested #foreach over client arrays (1000³ iterations) with the Internal server error frame, at once', async () => {
    await using client = await connectClient(gateway.url());
    const started = Date.now();
    client.send(JSON.stringify({ action: 'nested', items: Array.from({ length: 1000 }, (_, i) => i) }));
    const frameText = JSON.parse(await client.next()) as { message: string };
    expect(frameText.message).toBe('Internal server error');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(backend.requests.filter((r) => r.body.toString().startsWith('xxx'))).toHaveLength(0);
    client.send('still connected');
    expect(JSON.parse(await client.next())).toMatchObject({ said: 'still connected' });
  });

  it('stops a #set that doubles a string 40 times (a terabyte) with the Internal server error frame', async () => {
    await using client = await connectClient(gateway.url());
    client.send(JSON.stringify({ action: 'doubling', seed: 'ab' }));
    expect(JSON.parse(await client.next())).toMatchObject({ message: 'Internal server error' });
    const used = process.memoryUsage().heapUsed;
    expect(used).toBeLessThan(1024 * 1024 * 1024);
  });

  it('stops a JSONPath deep scan over crafted nesting (13.5 million characters of matches) with the Internal server error frame', async () => {
    await using client = await connectClient(gateway.url());
    const depth = 3000;
    const before = backend.requests.length;
    client.send(`{"action":"deepScan","a":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`);
    expect(JSON.parse(await client.next())).toMatchObject({ message: 'Internal server error' });
    expect(backend.requests.length).toBe(before);
    client.send(JSON.stringify({ action: 'deepScan', a: { a: 1 } }));
    expect(JSON.parse(await client.next())).toEqual({ found: [{ a: 1 }, 1] });
  });
});

describe('bad input: a message that arrives during $connect', () => {
  it('holds the frame until $connect accepted, then delivers it after the connection opened', async () => {
    await using backend = await startTestBackend((request, response) => {
      if (request.path === '/connect') {
        setTimeout(() => {
          response.writeHead(200);
          response.end();
        }, 200);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(request.body);
    });
    await using gateway = await startTestGateway(routesTo(backend.url));
    // The frame is written in the same TCP segment as the upgrade, before any answer.
    await using raw = await rawWebSocket(gateway.clientPort, '/dev', {}, frame(0x1, 'too early'));
    const reply = await raw.nextFrame(0x1);
    expect(reply.payload.toString()).toBe('too early');
    const order = backend.requests.map((r) => r.path);
    expect(order.indexOf('/connect')).toBeLessThan(order.indexOf('/message'));
    const message = backend.requests.find((r) => r.path === '/message');
    expect(message?.headers['x-switchboard-connection-id']).toBe(backend.requests.find((r) => r.path === '/connect')?.headers['x-switchboard-connection-id']);
  });

  it('never delivers the early frame when $connect refuses', async () => {
    await using backend = await startTestBackend((request, response) => {
      response.writeHead(request.path === '/connect' ? 403 : 200);
      response.end();
    });
    await using gateway = await startTestGateway(routesTo(backend.url));
    await expect(rawWebSocket(gateway.clientPort, '/dev', {}, frame(0x1, 'refused early'))).rejects.toThrow(/403/);
    expect(backend.requests.filter((r) => r.path === '/message')).toHaveLength(0);
  });
});
