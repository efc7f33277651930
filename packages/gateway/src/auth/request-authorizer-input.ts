/**
 * The input of a REQUEST authorizer, shaped as AWS sends it on `$connect` (aws-websocket-api.md 2.10):
 * type, methodArn, headers, query string, stage variables and the request context.
 */
import { clfTime, type ApiIdentity, type IntegrationEvent } from '../integrations/integration-event.js';

/** The account id in ARNs: there is no AWS account, so it is fixed, as in AWS's documentation examples and the Lambda runner. */
export const ACCOUNT_ID = '123456789012';

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/$connect` */
export function connectMethodArn(api: ApiIdentity, stage: string): string {
  return `arn:aws:execute-api:${api.region}:${ACCOUNT_ID}:${api.apiId}/${stage}/$connect`;
}

export interface RequestAuthorizerInput {
  readonly type: 'REQUEST';
  readonly methodArn: string;
  readonly headers: Record<string, string>;
  readonly multiValueHeaders: Record<string, string[]>;
  readonly queryStringParameters?: Record<string, string>;
  readonly multiValueQueryStringParameters?: Record<string, string[]>;
  readonly stageVariables: Record<string, string>;
  readonly requestContext: Record<string, unknown>;
}

/** Builds the authorizer input for a pending `$connect`. Header names keep the client's case when known. */
export function requestAuthorizerInput(
  event: IntegrationEvent,
  api: ApiIdentity,
  stageVariables: Readonly<Record<string, string>>,
): RequestAuthorizerInput {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of handshakeHeaderPairs(event)) {
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const input: RequestAuthorizerInput = {
    type: 'REQUEST',
    methodArn: connectMethodArn(api, event.stage),
    headers,
    multiValueHeaders,
    stageVariables: { ...stageVariables },
    requestContext: {
      routeKey: '$connect',
      eventType: 'CONNECT',
      extendedRequestId: event.requestId,
      requestTime: clfTime(event.requestTimeEpoch),
      messageDirection: 'IN',
      stage: event.stage,
      connectedAt: event.connectedAt,
      requestTimeEpoch: event.requestTimeEpoch,
      identity: { sourceIp: event.handshake.sourceIp, userAgent: event.handshake.userAgent },
      requestId: event.requestId,
      domainName: api.domainName,
      connectionId: event.connectionId,
      apiId: api.apiId,
    },
  };
  if (event.handshake.rawQuery === '') return input;
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(event.handshake.rawQuery)) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { ...input, queryStringParameters: single, multiValueQueryStringParameters: multi };
}

/** Handshake headers as [name, value] pairs, in the client's case when the raw headers were kept. */
function handshakeHeaderPairs(event: IntegrationEvent): [string, string][] {
  const raw = event.handshake.rawHeaders;
  if (raw !== undefined) {
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] ?? '', raw[i + 1] ?? '']);
    return pairs;
  }
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(event.handshake.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) pairs.push([name, one]);
  }
  return pairs;
}
