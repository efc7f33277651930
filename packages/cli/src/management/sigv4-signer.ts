/**
 * Signs a management API request with AWS Signature Version 4 (service `execute-api`), as the AWS
 * SDKs do: path segments encoded twice, sorted query, `host`, `x-amz-date` and
 * `x-amz-content-sha256` signed. Pure: no I/O; the clock is a parameter.
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Sent as `x-amz-security-token` and signed, for temporary credentials. */
  readonly sessionToken?: string | undefined;
}

export interface RequestToSign {
  readonly method: string;
  /** The URL exactly as it will be sent (path already percent-encoded once). */
  readonly url: URL;
  readonly body: Buffer;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** @default new Date() */
  readonly now?: Date;
}

const SERVICE = 'execute-api';

/** RFC 3986 encoding as SigV4 wants it. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** The headers to add to the request: `authorization`, `x-amz-date`, `x-amz-content-sha256`, maybe `x-amz-security-token`. */
export function signRequest(request: RequestToSign): Record<string, string> {
  const amzDate = (request.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(request.body);
  const headers: Record<string, string> = {
    host: request.url.host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate,
  };
  if (request.credentials.sessionToken !== undefined)
    headers['x-amz-security-token'] = request.credentials.sessionToken;
  const signedNames = Object.keys(headers).sort();
  const canonicalPath = request.url.pathname
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
  const canonicalQuery = [...request.url.searchParams.entries()]
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonical = [
    request.method,
    canonicalPath,
    canonicalQuery,
    signedNames.map((name) => `${name}:${(headers[name] ?? '').trim()}\n`).join(''),
    signedNames.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${day}/${request.region}/${SERVICE}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
  const key = hmac(
    hmac(hmac(hmac(`AWS4${request.credentials.secretAccessKey}`, day), request.region), SERVICE),
    'aws4_request',
  );
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${request.credentials.accessKeyId}/${scope}, SignedHeaders=${signedNames.join(';')}, Signature=${signature}`,
  };
}
