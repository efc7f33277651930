// Golden event shapes: CONNECT, MESSAGE and DISCONNECT built from fixed inputs must equal, byte for
// byte, the captures of aws-websocket-api.md 2.4 (field names, order, header case, omitted query
// fields, fixed DISCONNECT headers, the authorizer on every event).
import { describe, expect, it } from 'vitest';
import { awsProxyEvent, AwsProxyEventEncoder } from './aws-proxy-event.js';
import { clfTime, type ApiIdentity, type IntegrationEvent } from './integration-event.js';

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

describe('AwsProxyEventEncoder: the same bytes as JSON.stringify(awsProxyEvent(…))', () => {
  const message: IntegrationEvent = {
    ...base,
    handshake: { ...handshake, headers: {}, rawHeaders: undefined },
    eventType: 'MESSAGE',
    routeKey: '$default',
    requestId: 'R1knPH17NjMFftw=',
    messageId: 'R1knPc2ntjMCFIA=',
    requestTimeEpoch: 1705751700453,
    body: Buffer.from('hello'),
  };
  const same = (event: IntegrationEvent, apiIdentity: ApiIdentity = api) => {
    const text = new AwsProxyEventEncoder(apiIdentity).bytes(event, traceId).toString();
    expect(text).toBe(JSON.stringify(awsProxyEvent(event, apiIdentity, traceId)));
    return JSON.parse(text) as {
      requestContext: Record<string, unknown>;
      body?: string;
      isBase64Encoded: boolean;
    };
  };

  it('a text MESSAGE, byte for byte the aws-lambda-go capture', () => {
    expect(new AwsProxyEventEncoder(api).bytes({ ...message, body: Buffer.from('{\r\n\t"a": 1\r\n}') }, traceId).toString()).toBe(
      '{"requestContext":{"routeKey":"$default","messageId":"R1knPc2ntjMCFIA=","eventType":"MESSAGE","extendedRequestId":"R1knPH17NjMFftw=","requestTime":"20/Jan/2024:11:55:00 +0000","messageDirection":"IN","stage":"prod","connectedAt":1705751697419,"requestTimeEpoch":1705751700453,"identity":{"userAgent":"Mozilla/5.0 ...","sourceIp":"49.105.91.154"},"requestId":"R1knPH17NjMFftw=","domainName":"dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com","connectionId":"R1kmxc2VNjMCFIA=","apiId":"dl7ptocha9"},"body":"{\\r\\n\\t\\"a\\": 1\\r\\n}","isBase64Encoded":false}',
    );
    expect(same(message).body).toBe('hello');
  });

  it('a binary MESSAGE: base64, isBase64Encoded true', () => {
    const parsed = same({ ...message, body: Buffer.from([0xff, 0x00, 0x22, 0x5c]), binary: true });
    expect(parsed.body).toBe('/wAiXA==');
    expect(parsed.isBase64Encoded).toBe(true);
    expect(same({ ...message, body: Buffer.from('text'), binary: false }).isBase64Encoded).toBe(false);
  });

  it('an empty and a missing body', () => {
    expect(same({ ...message, body: Buffer.alloc(0) }).body).toBe('');
    expect(same({ ...message, body: undefined }).body).toBe('');
    expect(same({ ...message, body: undefined, binary: true }).body).toBe('');
  });

  it('special characters in the body, the user agent, the ids and the API identity', () => {
    const tricky =
      'quote " backslash \\ slash / newline \n cr \r tab \t nul \u0000 bell \u0007 del \u007f ' +
      'line sep \u2028 para sep \u2029 é 漢字 emoji 😀 lone surrogate \ud800 </script>';
    same({ ...message, body: Buffer.from(tricky) });
    same({
      ...message,
      handshake: { ...message.handshake, userAgent: tricky, sourceIp: '::ffff:127.0.0.1' },
      routeKey: 'route "with" \\ quotes\n',
      requestId: 'id"\\\n',
      messageId: 'msg"\u2028',
      stage: 'st"age',
      connectionId: 'conn\\"id',
    });
    same(message, { ...api, apiId: 'api"\\', domainName: 'dom\nain' });
    // Bytes that are not valid UTF-8 become U+FFFD, the same way on both paths.
    expect(same({ ...message, body: Buffer.from([0x61, 0xc3, 0x28, 0xff, 0x62]) }).body).toBe(
      'a\ufffd(\ufffdb',
    );
  });

  it('the parts kept per connection: one handshake object shared by other connections, stages and APIs', () => {
    // The same handshake object (the key of the kept parts) with each field that goes into them
    // changed in turn, then back: every text must still be the one built from the event.
    const shared = { ...message.handshake };
    const first = { ...message, handshake: shared };
    same(first);
    same({ ...first, connectionId: 'R1kmOTHERNjMCFIA=' });
    same({ ...first, stage: 'other' });
    same({ ...first, connectedAt: first.connectedAt + 1 });
    same(first, { ...api, apiId: 'otherapi', domainName: 'other.example.com' });
    same(first);
    // Per-message fields change while the kept parts are reused.
    same({ ...first, requestId: 'R1knNEXTNjMFftw=', messageId: 'R1knNEXTntjMCFIA=', requestTimeEpoch: 1705751799999, body: Buffer.from('next') });
  });

  it('an undefined messageId is left out, as JSON.stringify leaves it out', () => {
    const parsed = same({ ...message, messageId: undefined });
    expect(parsed.requestContext).not.toHaveProperty('messageId');
    expect(Object.keys(parsed.requestContext)[1]).toBe('eventType');
  });

  it('an empty user agent and odd numbers (0, large epochs)', () => {
    same({ ...message, handshake: { ...message.handshake, userAgent: '' } });
    same({ ...message, connectedAt: 0, requestTimeEpoch: 0 });
    same({ ...message, connectedAt: 8_640_000_000_000_000, requestTimeEpoch: 8_640_000_000_000_000 });
  });

  it('many events of the same and of neighbouring seconds (the requestTime cache)', () => {
    for (const epoch of [
      1705751700000, 1705751700999, 1705751701000, 1705751700500, 1705751701999, 1705751702000,
    ])
      same({ ...message, requestTimeEpoch: epoch });
  });

  it('the message writer: at any offset of a used buffer, within the room it asks for, across route keys, epochs and ids', () => {
    const { writeMessage } = new AwsProxyEventEncoder(api);
    const into = Buffer.alloc(64 * 1024, 0xee);
    let at = 3;
    const events: IntegrationEvent[] = [];
    for (const [i, routeKey] of ['$default', 'sendmessage', '$default', 'route "quoted"', '$default'].entries())
      for (const epoch of [1705751700000, 1705751700000, 1705751700001, 1705751701000])
        events.push({
          ...message,
          routeKey,
          requestTimeEpoch: epoch + i,
          requestId: `R1knPH17NjM${String(i)}ftw=`,
          messageId: i === 2 ? undefined : `R1knPc2ntjM${String(i)}FIA=`,
          body: Buffer.from(`{"n":${String(i)},"text":"é\n"}`),
          binary: i === 4 && epoch % 2 === 1,
        });
    for (const event of events) {
      let most = 0;
      const end = writeMessage(event, (bytes) => ((most = bytes), into), at);
      expect(end - at).toBeLessThanOrEqual(most);
      expect(into.subarray(at, end).toString()).toBe(JSON.stringify(awsProxyEvent(event, api, traceId)));
      expect(into[end]).toBe(0xee);
      at = end + 1;
    }
  });

  it('falls back to awsProxyEvent for CONNECT (with its headers, query and trace id) and DISCONNECT', () => {
    const connect: IntegrationEvent = {
      ...base,
      handshake: { ...handshake, rawQuery: 'token=abc&tag=a&tag=b' },
      eventType: 'CONNECT',
      routeKey: '$connect',
      requestId: 'R1kmxFHYNjMFdTw=',
      requestTimeEpoch: 1705751697419,
    };
    const parsedConnect = same(connect) as unknown as {
      headers: Record<string, string>;
      queryStringParameters: unknown;
    };
    expect(parsedConnect.headers['X-Amzn-Trace-Id']).toBe(traceId);
    expect(parsedConnect.queryStringParameters).toEqual({ token: 'abc', tag: 'b' });
    const parsedDisconnect = same({
      ...base,
      eventType: 'DISCONNECT',
      routeKey: '$disconnect',
      requestId: 'R1koeHsUtjMFbRw=',
      requestTimeEpoch: 1705751708326,
      disconnect: { code: 1001, reason: 'bye "now"' },
    });
    expect(parsedDisconnect.requestContext).toMatchObject({
      eventType: 'DISCONNECT',
      disconnectStatusCode: 1001,
      disconnectReason: 'bye "now"',
    });
  });

  it('falls back to awsProxyEvent for a MESSAGE with an authorizer, which then carries it', () => {
    const parsed = same({
      ...message,
      authorizer: { principalId: 'user-1', integrationLatency: 42, context: { n: 1, s: 'x"y' } },
    });
    expect(parsed.requestContext['authorizer']).toEqual({
      n: 1,
      s: 'x"y',
      principalId: 'user-1',
      integrationLatency: 42,
    });
  });
});

describe('clfTime', () => {
  it('formats requestTime as AWS does, day and hour padded', () => {
    expect(clfTime(1705751697419)).toBe('20/Jan/2024:11:54:57 +0000');
    expect(clfTime(Date.UTC(2025, 1, 3, 4, 5, 6))).toBe('03/Feb/2025:04:05:06 +0000');
  });

  it('never returns the text of a previous second across a boundary, forwards or backwards', () => {
    const second = 1705751697000;
    expect(clfTime(second + 999)).toBe('20/Jan/2024:11:54:57 +0000');
    expect(clfTime(second + 1000)).toBe('20/Jan/2024:11:54:58 +0000');
    expect(clfTime(second + 1001)).toBe('20/Jan/2024:11:54:58 +0000');
    expect(clfTime(second + 999)).toBe('20/Jan/2024:11:54:57 +0000');
    expect(clfTime(second)).toBe('20/Jan/2024:11:54:57 +0000');
    expect(clfTime(second - 1)).toBe('20/Jan/2024:11:54:56 +0000');
  });

  it('changes minute, hour, day, month and year at their boundaries', () => {
    const newYear = Date.UTC(2025, 0, 1);
    expect(clfTime(newYear - 1)).toBe('31/Dec/2024:23:59:59 +0000');
    expect(clfTime(newYear)).toBe('01/Jan/2025:00:00:00 +0000');
    expect(clfTime(newYear - 1)).toBe('31/Dec/2024:23:59:59 +0000');
  });

  it('is not fooled by the same second of another minute, day or year', () => {
    const at = Date.UTC(2024, 0, 20, 11, 54, 57, 100);
    expect(clfTime(at)).toBe('20/Jan/2024:11:54:57 +0000');
    expect(clfTime(at + 60_000)).toBe('20/Jan/2024:11:55:57 +0000');
    expect(clfTime(at + 86_400_000)).toBe('21/Jan/2024:11:54:57 +0000');
    expect(clfTime(at)).toBe('20/Jan/2024:11:54:57 +0000');
  });

  it('formats times before 1970 (negative epochs) by their own second', () => {
    expect(clfTime(-1)).toBe('31/Dec/1969:23:59:59 +0000');
    expect(clfTime(0)).toBe('01/Jan/1970:00:00:00 +0000');
    expect(clfTime(-1001)).toBe('31/Dec/1969:23:59:58 +0000');
  });
});
