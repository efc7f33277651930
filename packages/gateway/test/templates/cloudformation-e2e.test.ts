// End to end: a CloudFormation/SAM template (test/fixtures/templates/chat-api.yml) loaded unchanged
// with --param values and driven with real `ws` clients: a REQUEST authorizer run as a Lambda
// module, HTTP_PROXY $connect/$disconnect, HTTP with a request template and an integration response
// on $default, an AWS_PROXY route to a local Lambda handler that calls back with the AWS SDK, and a
// MOCK route with request validation.
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/main.js';
import { connectClient, refusedStatus, type TestClient } from '../helpers/client.js';
import { startTestBackend, unusedUrl, type TestBackend } from '../helpers/backend.js';

const template = fileURLToPath(new URL('../fixtures/templates/chat-api.yml', import.meta.url));

let backend: TestBackend;
let running: RunningGateway;
const templateMessages: string[] = [];

beforeAll(async () => {
  backend = await startTestBackend((request, response) => {
    if (request.path.startsWith('/default')) {
      const sent = JSON.parse(request.body.toString()) as { message: unknown };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'ok', echo: sent.message }));
      return;
    }
    response.writeHead(200);
    response.end();
  });
  // The handler's SDK client needs the management endpoint before the gateway starts: use a free port.
  const adminPort = Number(new URL(await unusedUrl()).port);
  const config = await loadConfig({
    file: template,
    templateParameters: { BackendUrl: backend.url, ManagementEndpoint: `http://127.0.0.1:${adminPort}/dev` },
    onTemplateMessage: (kind, message) => templateMessages.push(`${kind}: ${message}`),
    overrides: {
      listen: { host: '127.0.0.1', port: 0 },
      admin: { host: '127.0.0.1', port: adminPort },
      shutdown: { drainMs: 0, disconnectFlushMs: 2000 },
    },
  });
  running = await startGateway(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
});

afterAll(async () => {
  await running.gateway.close();
  await backend.close();
});

const url = (query = '') => `ws://127.0.0.1:${running.clientPort}/dev${query}`;

describe('a CloudFormation template, end to end', () => {
  it('notes the resources it skips', () => {
    expect(templateMessages).toEqual(
      expect.arrayContaining([
        'note: skipped AuthRole (AWS::IAM::Role): the gateway does not use this resource type',
        'note: ConnectionsTable (AWS::DynamoDB::Table): table connections is created at dynamodb.endpoint when one is set',
        'note: skipped SendPermission (AWS::Lambda::Permission): the gateway does not use this resource type',
      ]),
    );
  });

  it('runs the REQUEST authorizer on $connect: 401 without the token or when unauthorized, 403 on Deny', async () => {
    expect((await refusedStatus(url())).status).toBe(401);
    expect((await refusedStatus(url('?token=nope'))).status).toBe(401);
    expect((await refusedStatus(url('?token=deny'))).status).toBe(403);
  });

  describe('with an authorized client', () => {
    let client: TestClient;

    beforeAll(async () => {
      client = await connectClient(url('?token=good'));
    });
    afterAll(async () => {
      await client.close();
    });

    it('sent $connect to the HTTP_PROXY integration with the mapped request parameters', async () => {
      const connect = await backend.next('/connect?token=good');
      expect(connect.method).toBe('POST');
      expect(connect.headers['connectionid']).toMatch(/^[A-Za-z0-9_-]{15}=$/);
      expect(connect.headers['x-principal']).toBe('alice');
      expect(connect.body.length).toBe(0);
    });

    it('runs the AWS_PROXY route in the local Lambda handler, which calls back through the AWS SDK', async () => {
      client.send(JSON.stringify({ action: 'send', text: 'hi' }));
      const first = await client.next();
      const second = await client.next();
      const [pushed, reply] = first.startsWith('pushed') ? [first, second] : [second, first];
      expect(pushed).toBe('pushed by switchboard-send');
      const body = JSON.parse(reply) as Record<string, unknown>;
      expect(body).toMatchObject({
        greeting: 'hello',
        table: 'connections',
        routeKey: 'send',
        body: { action: 'send', text: 'hi' },
      });
      expect(body['authorizer']).toMatchObject({ principalId: 'alice', plan: 'pro', level: 3 });
    });

    it('renders the request template of the HTTP $default route and shapes the reply with the integration response', async () => {
      client.send(JSON.stringify({ action: 'chat', x: [1, 2] }));
      const reply = await client.next();
      const sent = await backend.next('/default');
      expect(sent.headers['content-type']).toBe('application/json');
      expect(JSON.parse(sent.body.toString())).toEqual({
        connectionId: expect.stringMatching(/=$/) as unknown,
        stage: 'dev',
        region: 'us-east-1',
        principal: 'alice',
        plan: 'pro',
        message: { action: 'chat', x: [1, 2] },
      });
      expect(reply).toBe('{"status": "ok", "echo": {"action":"chat","x":[1,2]}}');
    });

    it('validates the MOCK route against its model: a valid message gets the mock reply, an invalid one the Bad request body frame', async () => {
      client.send(JSON.stringify({ action: 'validate', text: 'short' }));
      expect(await client.next()).toBe('{"valid": true, "route": "validate"}');
      client.send(JSON.stringify({ action: 'validate', text: 'far too long for the model' }));
      expect(await client.next()).toMatch(
        /^\{"message" : "Bad request body", "connectionId": "[A-Za-z0-9_-]{15}=", "messageId": "[A-Za-z0-9_-]{15}="\}$/,
      );
    });

    it('sends $disconnect to its HTTP_PROXY integration when the client leaves', async () => {
      await client.close();
      const disconnect = await backend.next('/disconnect');
      expect(disconnect.method).toBe('POST');
    });
  });
});
