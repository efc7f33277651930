// The AWS integrations through a real gateway and real `ws` clients: AWS_PROXY as an HTTP POST of
// the event (header case from the real handshake), AWS_PROXY to local Lambda handlers with their
// faults isolated, HTTP with template selection, passthrough and integration responses, and MOCK.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import { startTestBackend, type RecordedRequest, type TestBackend } from '../helpers/backend.js';
import { connectClient, refusedStatus } from '../helpers/client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const codeDir = fileURLToPath(new URL('../fixtures/lambda/', import.meta.url));
const json = (request: RecordedRequest) => JSON.parse(request.body.toString()) as Record<string, unknown>;

describe('AWS_PROXY as an HTTP POST of the event JSON', () => {
  let backend: TestBackend;
  let gateway: TestGateway;

  beforeAll(async () => {
    backend = await startTestBackend((request, response) => {
      const event = json(request);
      const context = event['requestContext'] as Record<string, unknown>;
      response.writeHead(200, { 'content-type': 'application/json' });
      if (context['eventType'] === 'CONNECT')
        response.end(JSON.stringify({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'chat' } }));
      else response.end(JSON.stringify({ statusCode: 200, body: `echo:${String(event['body'])}` }));
    });
    const integration = { type: 'AWS_PROXY', uri: `${backend.url}/events` } as const;
    gateway = await startTestGateway({
      api: { apiId: 'abcd123456', domainName: 'abcd123456.execute-api.us-east-1.amazonaws.com' },
      integrations: { lambdaish: integration },
      routes: {
        $connect: { integration: 'lambdaish' },
        $disconnect: { integration: 'lambdaish' },
        $default: { integration: 'lambdaish', twoWay: true },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await backend.close();
  });

  it('sends CONNECT, MESSAGE and DISCONNECT exactly as Lambda receives them', async () => {
    const client = await connectClient(gateway.url('dev', 'token=abc&tag=a&tag=b'), ['chat', 'other'], {
      headers: { 'X-Custom-Header': 'Value' },
    });
    expect(client.ws.protocol).toBe('chat');
    const connect = json(await backend.next('/events'));
    const headers = connect['headers'] as Record<string, string>;
    expect(headers['X-Custom-Header']).toBe('Value');
    expect(headers['Sec-WebSocket-Protocol']).toBe('chat,other');
    expect(headers).not.toHaveProperty('Connection');
    expect(headers['X-Forwarded-Proto']).toBe('http');
    expect(connect['queryStringParameters']).toEqual({ token: 'abc', tag: 'b' });
    expect(connect['multiValueQueryStringParameters']).toEqual({ token: ['abc'], tag: ['a', 'b'] });
    expect(connect['requestContext']).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'dev',
      apiId: 'abcd123456',
      domainName: 'abcd123456.execute-api.us-east-1.amazonaws.com',
    });
    expect((connect['requestContext'] as Record<string, string>)['requestTime']).toMatch(
      /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/,
    );

    client.send('hello');
    expect(await client.next()).toBe('echo:hello');
    const message = json(await backend.next('/events'));
    expect(Object.keys(message)).toEqual(['requestContext', 'body', 'isBase64Encoded']);
    expect((message['requestContext'] as Record<string, string>)['messageId']).toMatch(
      /^[A-Za-z0-9_-]{15}=$/,
    );

    client.ws.close(4000, 'bye');
    await client.closed;
    const disconnect = json(await backend.next('/events'));
    expect(disconnect['headers']).toEqual({
      Host: 'abcd123456.execute-api.us-east-1.amazonaws.com',
      'x-api-key': '',
      'X-Forwarded-For': '',
      'x-restapi': '',
    });
    expect(disconnect['requestContext']).toMatchObject({
      eventType: 'DISCONNECT',
      disconnectStatusCode: 4000,
      disconnectReason: 'bye',
    });
  });

  it('omits the query fields when the client sends no query string', async () => {
    const client = await connectClient(gateway.url(), ['chat']);
    const connect = json(await backend.next('/events'));
    expect(connect).not.toHaveProperty('queryStringParameters');
    expect(connect).not.toHaveProperty('multiValueQueryStringParameters');
    await client.close();
    await backend.next('/events');
  });
});

describe('AWS_PROXY to local Lambda handlers', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    const fn = (handler: string, timeoutMs = 3000) => ({ codeDir, handler, timeoutMs });
    const proxy = (name: string) => ({ type: 'AWS_PROXY' as const, function: name });
    gateway = await startTestGateway({
      functions: {
        connect: fn('proxy.connect'),
        echo: fn('proxy.echo'),
        status500: fn('proxy.status500'),
        malformed: fn('proxy.malformed'),
        exit: fn('proxy.exit'),
        hang: fn('proxy.hang', 300),
      },
      integrations: {
        connect: proxy('connect'),
        echo: proxy('echo'),
        status500: proxy('status500'),
        malformed: proxy('malformed'),
        exit: proxy('exit'),
        hang: proxy('hang'),
        oneWay: proxy('echo'),
      },
      routes: {
        $connect: { integration: 'connect' },
        $default: { integration: 'echo', twoWay: true },
        status500: { integration: 'status500', twoWay: true },
        malformed: { integration: 'malformed', twoWay: true },
        exit: { integration: 'exit', twoWay: true },
        hang: { integration: 'hang', twoWay: true },
        oneWay: { integration: 'oneWay' },
      },
    });
  });
  afterAll(() => gateway.close());

  it('accepts $connect on a 2xx result with its subprotocol, refuses with the status returned, and with 502 when the handler throws', async () => {
    const client = await connectClient(gateway.url(), ['chat']);
    expect(client.ws.protocol).toBe('chat');
    await client.close();
    expect((await refusedStatus(gateway.url('dev', 'token=refuse'))).status).toBe(401);
    expect((await refusedStatus(gateway.url('dev', 'token=throw'))).status).toBe(502);
  });

  it('replies on a two-way route, ignores the status code, and sends nothing on a one-way route', async () => {
    await using client = await connectClient(gateway.url(), ['chat']);
    client.send('{"action":"oneWay"}');
    client.send('{"action":"status500"}');
    expect(await client.next()).toBe('ignored status, body still sent');
    client.send('plain text');
    expect(JSON.parse(await client.next())).toEqual({
      routeKey: '$default',
      body: 'plain text',
      hasHeaders: false,
    });
  });

  it('answers a malformed result, a crashed runtime and a hang with the Internal server error frame, and the gateway carries on', async () => {
    await using client = await connectClient(gateway.url(), ['chat']);
    for (const action of ['malformed', 'exit', 'hang']) {
      client.send(JSON.stringify({ action }));
      expect(await client.next()).toMatch(
        /^\{"message": "Internal server error", "connectionId":"[A-Za-z0-9_-]{15}=", "requestId":"[A-Za-z0-9_-]{15}="\}$/,
      );
    }
    client.send('still alive');
    expect(JSON.parse(await client.next())).toMatchObject({ body: 'still alive' });
  });
});

describe('HTTP with mapping templates, and MOCK', () => {
  let backend: TestBackend;
  let gateway: TestGateway;

  beforeAll(async () => {
    backend = await startTestBackend((request, response) => {
      const body = request.body.toString();
      const status = body.includes('"fail"') ? 404 : 200;
      response.writeHead(status, { 'content-type': 'application/json', 'x-kind': 'test' });
      response.end(JSON.stringify({ got: body.length, status }));
    });
    const config: ConfigInput = {
      api: { stageVariables: { dev: { table: 'chat-dev' } } },
      integrations: {
        templated: {
          type: 'HTTP',
          uri: `${backend.url}/templated`,
          templateSelectionExpression: '${request.body.kind}',
          requestTemplates: {
            greet: '{"greeting": "hello $input.path(\'$.name\')", "table": "$stageVariables.table"}',
            fail: '{"fail": true}',
            loop: '#foreach($i in [1..2000])$i#end',
            $default: '{"raw": $input.json(\'$\')}',
          },
          integrationResponses: {
            '/4\\d\\d/': {
              templates: {
                $default: '{"error": $input.path(\'$.status\'), "header": "$input.params(\'x\')"}',
              },
            },
            $default: {
              templateSelectionExpression: '${integration.response.header.x-kind}',
              templates: { test: '{"ok": $input.json(\'$.status\')}' },
            },
          },
        },
        strict: {
          type: 'HTTP',
          uri: `${backend.url}/strict`,
          passthroughBehavior: 'NEVER',
          requestTemplates: { only: 'x' },
          templateSelectionExpression: '${request.body.kind}',
        },
        passthrough: { type: 'HTTP', uri: `${backend.url}/passthrough` },
        unknown: {
          type: 'MOCK',
          requestTemplates: { $default: '{"statusCode": 200}' },
          integrationResponses: {
            $default: { templates: { $default: '{"message": "unknown action $input.body"}' } },
          },
        },
      },
      routes: {
        templated: { integration: 'templated', twoWay: true },
        strict: { integration: 'strict', twoWay: true },
        passthrough: { integration: 'passthrough', twoWay: true },
        $default: { integration: 'unknown', twoWay: true },
      },
    };
    gateway = await startTestGateway(config);
  });
  afterAll(async () => {
    await gateway.close();
    await backend.close();
  });

  it('chooses the request template by TemplateSelectionExpression and sends its output as JSON', async () => {
    await using client = await connectClient(gateway.url());
    client.send('{"action":"templated","kind":"greet","name":"Ada"}');
    expect(await client.next()).toBe('{"ok": 200}');
    const sent = await backend.next('/templated');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body.toString())).toEqual({ greeting: 'hello Ada', table: 'chat-dev' });
    client.send('{"action":"templated","kind":"other"}');
    await client.next();
    expect(JSON.parse((await backend.next('/templated')).body.toString())).toEqual({
      raw: { action: 'templated', kind: 'other' },
    });
  });

  it('matches integration responses on the status code with /regex/ before $default', async () => {
    await using client = await connectClient(gateway.url());
    client.send('{"action":"templated","kind":"fail"}');
    expect(await client.next()).toBe('{"error": 404, "header": ""}');
  });

  it('passes the body through without templates, and fails when passthroughBehavior is NEVER', async () => {
    await using client = await connectClient(gateway.url());
    client.send('{"action":"passthrough","x":1}');
    await client.next();
    expect((await backend.next('/passthrough')).body.toString()).toBe('{"action":"passthrough","x":1}');
    client.send('{"action":"strict","kind":"nope"}');
    expect(await client.next()).toMatch(/^\{"message": "Internal server error"/);
  });

  it('turns a template that fails while rendering (#foreach over 1000) into the Internal server error frame, connection open', async () => {
    await using client = await connectClient(gateway.url());
    client.send('{"action":"templated","kind":"loop"}');
    expect(await client.next()).toMatch(/^\{"message": "Internal server error"/);
    client.send('{"action":"templated","kind":"greet","name":"again"}');
    expect(await client.next()).toBe('{"ok": 200}');
  });

  it('answers from a MOCK integration response, as a $default "unknown action" responder', async () => {
    await using client = await connectClient(gateway.url());
    client.send('{"action":"nope"}');
    expect(await client.next()).toBe('{"message": "unknown action "}');
  });
});
