// Golden event shapes: CONNECT, MESSAGE and DISCONNECT built from fixed inputs must equal, byte for
// byte, the captures of aws-websocket-api.md 2.4 (field names, order, header case, omitted query
// fields, fixed DISCONNECT headers, the authorizer on every event).
import { describe, expect, it } from 'vitest';
import { awsProxyEvent } from './aws-proxy-event.js';
import type { ApiIdentity, IntegrationEvent } from './integration-event.js';

const api: ApiIdentity = {
  apiId: 'dl7ptocha9',
  domainName: 'dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com',
  region: 'ap-northeast-1',
  clientPort: 443,
  clientProto: 'https',
};
const handshake = {
  headers: {},
  rawHeaders: [
    'Host',
    'dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com',
    'Origin',
    'https://app.example.com',
    'Sec-WebSocket-Key',
    'ElxPGSkjS67JEzN6/32V1A==',
    'Sec-WebSocket-Version',
    '13',
    'Connection',
    'Upgrade',
    'Upgrade',
    'websocket',
    'User-Agent',
    'Mozilla/5.0 ...',
  ],
  rawQuery: '',
  sourceIp: '49.105.91.154',
  userAgent: 'Mozilla/5.0 ...',
  forwardedFor: '49.105.91.154',
};
const base = {
  connectionId: 'R1kmxc2VNjMCFIA=',
  stage: 'prod',
  connectedAt: 1705751697419,
  handshake,
  managementUrl: 'http://127.0.0.1:8081/prod',
};
const traceId = 'Root=1-65abb591-7cd582b44021ba371d4b975b';

describe('AWS_PROXY event shapes (golden)', () => {
  it('CONNECT keeps header case, adds the AWS headers, omits query fields without a query string', () => {
    const event: IntegrationEvent = {
      ...base,
      eventType: 'CONNECT',
      routeKey: '$connect',
      requestId: 'R1kmxFHYNjMFdTw=',
      requestTimeEpoch: 1705751697419,
    };
    expect(JSON.stringify(awsProxyEvent(event, api, traceId))).toBe(
      JSON.stringify({
        headers: {
          Host: 'dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com',
          Origin: 'https://app.example.com',
          'Sec-WebSocket-Key': 'ElxPGSkjS67JEzN6/32V1A==',
          'Sec-WebSocket-Version': '13',
          'User-Agent': 'Mozilla/5.0 ...',
          'X-Amzn-Trace-Id': traceId,
          'X-Forwarded-For': '49.105.91.154',
          'X-Forwarded-Port': '443',
          'X-Forwarded-Proto': 'https',
        },
        multiValueHeaders: {
          Host: ['dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com'],
          Origin: ['https://app.example.com'],
          'Sec-WebSocket-Key': ['ElxPGSkjS67JEzN6/32V1A=='],
          'Sec-WebSocket-Version': ['13'],
          'User-Agent': ['Mozilla/5.0 ...'],
          'X-Amzn-Trace-Id': [traceId],
          'X-Forwarded-For': ['49.105.91.154'],
          'X-Forwarded-Port': ['443'],
          'X-Forwarded-Proto': ['https'],
        },
        requestContext: {
          routeKey: '$connect',
          eventType: 'CONNECT',
          extendedRequestId: 'R1kmxFHYNjMFdTw=',
          requestTime: '20/Jan/2024:11:54:57 +0000',
          messageDirection: 'IN',
          stage: 'prod',
          connectedAt: 1705751697419,
          requestTimeEpoch: 1705751697419,
          identity: { userAgent: 'Mozilla/5.0 ...', sourceIp: '49.105.91.154' },
          requestId: 'R1kmxFHYNjMFdTw=',
          domainName: 'dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com',
          connectionId: 'R1kmxc2VNjMCFIA=',
          apiId: 'dl7ptocha9',
        },
        isBase64Encoded: false,
      }),
    );
  });

  it('CONNECT with a query string and an authorizer', () => {
    const event: IntegrationEvent = {
      ...base,
      handshake: { ...handshake, rawQuery: 'token=abc&tag=a&tag=b' },
      eventType: 'CONNECT',
      routeKey: '$connect',
      requestId: 'R1kmxFHYNjMFdTw=',
      requestTimeEpoch: 1705751697419,
      authorizer: { principalId: 'user-1', integrationLatency: 42, context: { stringKey: 'stringval' } },
    };
    const built = awsProxyEvent(event, api, traceId);
    expect(built.queryStringParameters).toEqual({ token: 'abc', tag: 'b' });
    expect(built.multiValueQueryStringParameters).toEqual({ token: ['abc'], tag: ['a', 'b'] });
    expect(Object.keys(built)).toEqual([
      'headers',
      'multiValueHeaders',
      'queryStringParameters',
      'multiValueQueryStringParameters',
      'requestContext',
      'isBase64Encoded',
    ]);
    expect(built.requestContext['authorizer']).toEqual({
      stringKey: 'stringval',
      principalId: 'user-1',
      integrationLatency: 42,
    });
    expect(built).not.toHaveProperty('body');
  });

  it('MESSAGE is exactly the aws-lambda-go capture: no headers, no query, the body', () => {
    const event: IntegrationEvent = {
      ...base,
      eventType: 'MESSAGE',
      routeKey: '$default',
      requestId: 'R1knPH17NjMFftw=',
      messageId: 'R1knPc2ntjMCFIA=',
      requestTimeEpoch: 1705751700453,
      body: Buffer.from('{\r\n\t"a": 1\r\n}'),
    };
    expect(JSON.stringify(awsProxyEvent(event, api, traceId))).toBe(
      '{"requestContext":{"routeKey":"$default","messageId":"R1knPc2ntjMCFIA=","eventType":"MESSAGE","extendedRequestId":"R1knPH17NjMFftw=","requestTime":"20/Jan/2024:11:55:00 +0000","messageDirection":"IN","stage":"prod","connectedAt":1705751697419,"requestTimeEpoch":1705751700453,"identity":{"userAgent":"Mozilla/5.0 ...","sourceIp":"49.105.91.154"},"requestId":"R1knPH17NjMFftw=","domainName":"dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com","connectionId":"R1kmxc2VNjMCFIA=","apiId":"dl7ptocha9"},"body":"{\\r\\n\\t\\"a\\": 1\\r\\n}","isBase64Encoded":false}',
    );
  });

  it('DISCONNECT is exactly the aws-lambda-go capture: fixed headers, close code and reason', () => {
    const event: IntegrationEvent = {
      ...base,
      eventType: 'DISCONNECT',
      routeKey: '$disconnect',
      requestId: 'R1koeHsUtjMFbRw=',
      requestTimeEpoch: 1705751708326,
      disconnect: { code: 1001, reason: '' },
    };
    expect(JSON.stringify(awsProxyEvent(event, api, traceId))).toBe(
      '{"headers":{"Host":"dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com","x-api-key":"","X-Forwarded-For":"","x-restapi":""},"multiValueHeaders":{"Host":["dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com"],"x-api-key":[""],"X-Forwarded-For":[""],"x-restapi":[""]},"requestContext":{"routeKey":"$disconnect","disconnectStatusCode":1001,"eventType":"DISCONNECT","extendedRequestId":"R1koeHsUtjMFbRw=","requestTime":"20/Jan/2024:11:55:08 +0000","messageDirection":"IN","disconnectReason":"","stage":"prod","connectedAt":1705751697419,"requestTimeEpoch":1705751708326,"identity":{"userAgent":"Mozilla/5.0 ...","sourceIp":"49.105.91.154"},"requestId":"R1koeHsUtjMFbRw=","domainName":"dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com","connectionId":"R1kmxc2VNjMCFIA=","apiId":"dl7ptocha9"},"isBase64Encoded":false}',
    );
  });

  it('a binary MESSAGE (limits.binary: accept) is base64 with isBase64Encoded true', () => {
    const built = awsProxyEvent(
      {
        ...base,
        eventType: 'MESSAGE',
        routeKey: '$default',
        requestId: 'a',
        messageId: 'b',
        requestTimeEpoch: 1,
        body: Buffer.from([0xff, 0x00]),
        binary: true,
      },
      api,
      traceId,
    );
    expect(built.body).toBe('/wA=');
    expect(built.isBase64Encoded).toBe(true);
  });

  it('the authorizer is on MESSAGE and DISCONNECT too', () => {
    const authorizer = { principalId: 'user-1', integrationLatency: 42, context: { n: 1 } };
    const message = awsProxyEvent(
      {
        ...base,
        eventType: 'MESSAGE',
        routeKey: 'x',
        requestId: 'a',
        messageId: 'b',
        requestTimeEpoch: 1,
        body: Buffer.from('x'),
        authorizer,
      },
      api,
      traceId,
    );
    const disconnect = awsProxyEvent(
      {
        ...base,
        eventType: 'DISCONNECT',
        routeKey: '$disconnect',
        requestId: 'a',
        requestTimeEpoch: 1,
        disconnect: { code: 1000, reason: 'bye' },
        authorizer,
      },
      api,
      traceId,
    );
    expect(message.requestContext['authorizer']).toEqual({
      n: 1,
      principalId: 'user-1',
      integrationLatency: 42,
    });
    expect(disconnect.requestContext['authorizer']).toEqual({
      n: 1,
      principalId: 'user-1',
      integrationLatency: 42,
    });
  });
});
