/**
 * What an integration is asked to deliver: one CONNECT, MESSAGE or DISCONNECT event with the data
 * AWS makes available to integrations (`$context.*`, the handshake, the message body).
 */
import type { EventType } from '@switchboard/protocol';
import { authorizerVariable, type AuthorizerContext } from '../auth/authorizer-context.js';
import type { HandshakeInfo } from '../connections/connection.js';

export interface ApiIdentity {
  readonly apiId: string;
  readonly domainName: string;
  readonly region: string;
  /** Port of the client listener, for `X-Forwarded-Port`. */
  readonly clientPort: number;
  /** `http` or `https`, for `X-Forwarded-Proto`. */
  readonly clientProto: string;
}

export interface IntegrationEvent {
  readonly eventType: EventType;
  readonly routeKey: string;
  readonly connectionId: string;
  readonly stage: string;
  readonly connectedAt: number;
  readonly handshake: HandshakeInfo;
  readonly requestId: string;
  /** MESSAGE only. */
  readonly messageId?: string;
  readonly requestTimeEpoch: number;
  /** MESSAGE only: the raw frame. */
  readonly body?: Buffer;
  readonly binary?: boolean;
  /** MESSAGE only: the parsed JSON body when routing parsed it; `NOT_JSON` or undefined otherwise. */
  readonly parsedBody?: unknown;
  /** DISCONNECT only. */
  readonly disconnect?: { readonly code: number; readonly reason: string };
  /** Base URL of the management API for this stage, e.g. `http://127.0.0.1:8081/dev`. */
  readonly managementUrl: string;
  /** The `$connect` authorizer's result for this connection (`requestContext.authorizer`), when it has one. */
  readonly authorizer?: AuthorizerContext | undefined;
}

export interface IntegrationResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The response body; empty when the caller did not ask for it. */
  readonly body: Buffer;
}

export interface Integration {
  /**
   * Delivers one event. Resolves with the backend's answer whatever its status; rejects with a
   * GatewayError (`SWB_ERR_BACKEND_UNREACHABLE`, `_TIMEOUT` or `_BAD_RESPONSE`) when there is none.
   * `wantBody` false lets the integration discard the body unread.
   */
  invoke(event: IntegrationEvent, wantBody: boolean): Promise<IntegrationResponse>;
  /** Closes pooled connections once in-flight requests finish. */
  close(): Promise<void>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The last second `clfTime` formatted, and its text: events of the same second share it. */
let clfSecond = Number.NaN;
let clfText = '';

/** CLF time as AWS writes `requestTime`: `dd/MMM/yyyy:HH:mm:ss +0000`. */
export function clfTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== clfSecond) {
    clfText = formatClfTime(epochMs);
    clfSecond = second;
  }
  return clfText;
}

function formatClfTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()] ?? ''}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** Names `contextVariable` knows. */
export const CONTEXT_VARIABLES: ReadonlySet<string> = new Set([
  'connectionId',
  'connectedAt',
  'domainName',
  'apiId',
  'eventType',
  'messageId',
  'routeKey',
  'requestId',
  'extendedRequestId',
  'stage',
  'requestTime',
  'requestTimeEpoch',
  'messageDirection',
  'identity.sourceIp',
  'identity.userAgent',
]);

/** The value of `$context.NAME` (and `context.NAME` in request parameters), or undefined. */
export function contextVariable(name: string, event: IntegrationEvent, api: ApiIdentity): string | undefined {
  switch (name) {
    case 'connectionId':
      return event.connectionId;
    case 'connectedAt':
      return String(event.connectedAt);
    case 'domainName':
      return api.domainName;
    case 'apiId':
      return api.apiId;
    case 'eventType':
      return event.eventType;
    case 'messageId':
      return event.messageId;
    case 'routeKey':
      return event.routeKey;
    case 'requestId':
    case 'extendedRequestId':
      return event.requestId;
    case 'stage':
      return event.stage;
    case 'requestTime':
      return clfTime(event.requestTimeEpoch);
    case 'requestTimeEpoch':
      return String(event.requestTimeEpoch);
    case 'messageDirection':
      return 'IN';
    case 'identity.sourceIp':
      return event.handshake.sourceIp;
    case 'identity.userAgent':
      return event.handshake.userAgent;
    default:
      return name.startsWith('authorizer.') ? authorizerVariable(event.authorizer, name.slice('authorizer.'.length)) : undefined;
  }
}
