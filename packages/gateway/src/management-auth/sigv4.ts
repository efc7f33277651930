/**
 * AWS Signature Version 4 verification for the `@connections` management API, as
 * aws-websocket-api.md 3.5 describes it: the canonical request from the raw path (double-encoded),
 * the sorted query, the signed headers and the payload hash computed from the body, then the string
 * to sign and the HMAC chain. Pure functions: no I/O, the caller supplies the body hash.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The parsed `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  /** `yyyymmdd` of the credential scope. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  /** Lower-case header names, in the order signed. */
  readonly signedHeaders: readonly string[];
  /** 64 lower-case hex characters. */
  readonly signature: string;
}

const HEADER =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([a-z0-9;._-]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

/** Parses the Authorization header; undefined when it is not a SigV4 header. */
export function parseSigV4Authorization(header: string | undefined): SigV4Authorization | undefined {
  if (header === undefined) return undefined;
  const match = HEADER.exec(header.trim());
  if (match === null) return undefined;
  const [, accessKeyId = '', date = '', region = '', service = '', signed = '', signature = ''] = match;
  return { accessKeyId, date, region, service, signedHeaders: signed.split(';'), signature };
}

/** `x-amz-date` (`yyyymmddThhmmssZ`) as epoch ms, or undefined when malformed. */
export function parseAmzDate(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** RFC 3986 encoding as SigV4 wants it: every byte but `A-Za-z0-9-._~` percent-encoded, `!'()*` too. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The canonical URI of a raw request path (3.5 step 2): empty and `.` segments dropped, `..`
 * resolved, then each segment URI-encoded again as received (so `%3D` becomes `%253D`, `@` becomes
 * `%40`), joined by `/`.
 */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(uriEncode(segment));
  }
  const joined = `/${segments.join('/')}`;
  return rawPath.endsWith('/') && segments.length > 0 ? `${joined}/` : joined;
}

/** The canonical query string: decoded pairs re-encoded, sorted by name then value. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      const name = equals === -1 ? part : part.slice(0, equals);
      const value = equals === -1 ? '' : part.slice(equals + 1);
      return [uriEncode(safeDecode(name)), uriEncode(safeDecode(value))] as const;
    });
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export interface CanonicalRequestParts {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  /** Request headers as Node gives them (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly signedHeaders: readonly string[];
  /** Hex SHA-256 of the body, as computed by the server. */
  readonly payloadHash: string;
}

/** The canonical request (3.5 steps 2 to 5); undefined when a signed header is absent. */
export function canonicalRequest(parts: CanonicalRequestParts): string | undefined {
  const lines: string[] = [];
  for (const name of parts.signedHeaders) {
    const value = parts.headers[name];
    if (value === undefined) return undefined;
    const text = Array.isArray(value) ? value.map(trimValue).join(',') : trimValue(value);
    lines.push(`${name}:${text}\n`);
  }
  return [
    parts.method,
    canonicalUri(parts.rawPath),
    canonicalQuery(parts.rawQuery),
    lines.join(''),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

function trimValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The expected signature for a canonical request (3.5 step 6). */
export function expectedSignature(
  secretAccessKey: string,
  auth: SigV4Authorization,
  amzDate: string,
  canonical: string,
): string {
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(auth.date).digest();
  const kRegion = createHmac('sha256', kDate).update(auth.region).digest();
  const kService = createHmac('sha256', kRegion).update(auth.service).digest();
  const kSigning = createHmac('sha256', kService).update('aws4_request').digest();
  return createHmac('sha256', kSigning).update(stringToSign).digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function signaturesMatch(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
