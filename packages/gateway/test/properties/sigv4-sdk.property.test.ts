// Property-based test (fast-check) of SigV4 canonicalisation against the real signer: the AWS JS
// SDK signs management calls for arbitrary connection ids (any Unicode, reserved characters, `=`,
// `%`, spaces) and bodies; the gateway must verify every one (answering 410 for an unknown id, never
// 403), and must refuse every one signed with another secret.
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GetConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ACCESS_KEY = 'AKIDPROPERTY';
const SECRET = 'property-secret-0123456789';

let gateway: TestGateway;
let signed: ApiGatewayManagementApiClient;
let forged: ApiGatewayManagementApiClient;

beforeAll(async () => {
  gateway = await startTestGateway({ admin: { auth: { mode: 'verify', accessKeys: { [ACCESS_KEY]: SECRET } } } });
  const options = { endpoint: gateway.managementEndpoint, region: 'us-east-1', maxAttempts: 1 };
  signed = new ApiGatewayManagementApiClient({ ...options, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET } });
  forged = new ApiGatewayManagementApiClient({ ...options, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: 'another-secret-entirely' } });
});

afterAll(async () => {
  signed.destroy();
  forged.destroy();
  await gateway.close();
});

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as { name: string }).name;
  }
}

const id = fc.oneof(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), fc.stringMatching(/^[A-Za-z0-9+/=%@:;,.~!*'()$&_ -]{1,40}$/)).filter((text) => text.trim() !== '' && text !== '.' && text !== '..');

describe('SigV4 canonicalisation (property, against the AWS JS SDK)', () => {
  it('verifies what the SDK signs for any connection id and body, and refuses any other secret', async () => {
    await fc.assert(
      fc.asyncProperty(id, fc.uint8Array({ maxLength: 256 }), fc.constantFrom('post', 'get', 'delete'), async (connectionId, data, operation) => {
        const command = (client: ApiGatewayManagementApiClient) =>
          operation === 'post'
            ? client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }))
            : operation === 'get'
              ? client.send(new GetConnectionCommand({ ConnectionId: connectionId }))
              : client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
        expect(await errorName(command(signed))).toBe('GoneException');
        expect(await errorName(command(forged))).toBe('ForbiddenException');
      }),
      { numRuns: 150 },
    );
  });
});
