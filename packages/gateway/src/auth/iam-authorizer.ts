/**
 * `AuthorizationType: AWS_IAM` on `$connect`: the upgrade request must carry a SigV4 signature for
 * `execute-api`, in headers (`Authorization`, `x-amz-date`) or presigned in the query string
 * (`X-Amz-Signature`, …), made with one of `admin.auth.accessKeys`. Anything else is 403, as AWS
 * answers an IAM failure. There are no IAM policies: a known key may connect.
 */
import type { IntegrationEvent } from '../integrations/integration-event.js';
import {
  canonicalRequest,
  expectedSignature,
  parseAmzDate,
  parseSigV4Authorization,
  sha256Hex,
  signaturesMatch,
  type SigV4Authorization,
} from '../management-auth/sigv4.js';
import type { AuthorizeOutcome, ConnectAuthorizer } from './connect-authorizer.js';

const EMPTY_HASH = sha256Hex('');
/** A presigned URL may live at most 7 days, as SigV4 allows. */
const MAX_EXPIRES_SEC = 604_800;

export interface IamAuthorizerOptions {
  /** Secret access keys by access key id. */
  readonly accessKeys: Readonly<Record<string, string>>;
  readonly clockSkewMs: number;
  /** The only region accepted in the credential scope; undefined accepts any. */
  readonly region: string | undefined;
  /** The clock, for tests. @default Date.now */
  readonly now?: () => number;
}

/** What was signed and how, from the headers or the query string. */
interface PresentedSignature {
  readonly auth: SigV4Authorization;
  readonly amzDate: string;
  /** The query string that was signed (without `X-Amz-Signature` for a presigned URL). */
  readonly signedQuery: string;
  /** Epoch ms after which the signature is no longer accepted. */
  readonly notAfter: number;
  readonly notBefore: number;
}

export class IamAuthorizer implements ConnectAuthorizer {
  readonly #options: IamAuthorizerOptions;

  constructor(options: IamAuthorizerOptions) {
    this.#options = options;
  }

  authorize(event: IntegrationEvent): Promise<AuthorizeOutcome> {
    return Promise.resolve(this.#decide(event));
  }

  #decide(event: IntegrationEvent): AuthorizeOutcome {
    const presented = this.#presented(event);
    if (typeof presented === 'string') return deny(presented);
    const { auth } = presented;
    if (auth.service !== 'execute-api') return deny(`the credential scope names service ${auth.service}`);
    if (this.#options.region !== undefined && auth.region !== this.#options.region)
      return deny(`the credential scope names region ${auth.region}`);
    if (!presented.amzDate.startsWith(auth.date))
      return deny('the credential scope date is not the signing day');
    const now = (this.#options.now ?? Date.now)();
    if (now < presented.notBefore || now > presented.notAfter)
      return deny('the signature is outside its validity window');
    const secret = Object.hasOwn(this.#options.accessKeys, auth.accessKeyId)
      ? this.#options.accessKeys[auth.accessKeyId]
      : undefined;
    if (secret === undefined) return deny(`unknown access key ${auth.accessKeyId}`);
    const rawPath = event.handshake.rawPath ?? `/${event.stage}`;
    // An upgrade has no body: signers use the empty-body hash or, for presigned URLs, UNSIGNED-PAYLOAD.
    for (const payloadHash of [EMPTY_HASH, 'UNSIGNED-PAYLOAD']) {
      const canonical = canonicalRequest({
        method: 'GET',
        rawPath,
        rawQuery: presented.signedQuery,
        headers: event.handshake.headers,
        signedHeaders: auth.signedHeaders,
        payloadHash,
      });
      if (canonical === undefined) return deny('a signed header is missing');
      if (signaturesMatch(expectedSignature(secret, auth, presented.amzDate, canonical), auth.signature))
        return { allowed: true };
    }
    return deny('the signature does not match');
  }

  #presented(event: IntegrationEvent): PresentedSignature | string {
    const { headers, rawQuery } = event.handshake;
    const header = headers.authorization;
    const skew = this.#options.clockSkewMs;
    if (typeof header === 'string' && header.startsWith('AWS4-HMAC-SHA256')) {
      const auth = parseSigV4Authorization(header);
      const amzDate = headers['x-amz-date'];
      const signedAt = parseAmzDate(typeof amzDate === 'string' ? amzDate : undefined);
      if (auth === undefined || typeof amzDate !== 'string' || signedAt === undefined)
        return 'malformed SigV4 headers';
      if (!auth.signedHeaders.includes('host')) return 'host must be signed';
      return { auth, amzDate, signedQuery: rawQuery, notBefore: signedAt - skew, notAfter: signedAt + skew };
    }
    const params = new URLSearchParams(rawQuery);
    const signature = params.get('X-Amz-Signature');
    if (signature === null) return 'no SigV4 signature on the upgrade request';
    const amzDate = params.get('X-Amz-Date') ?? '';
    const signedAt = parseAmzDate(amzDate);
    const expires = Number(params.get('X-Amz-Expires') ?? NaN);
    if (
      params.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' ||
      signedAt === undefined ||
      !Number.isInteger(expires) ||
      expires < 1 ||
      expires > MAX_EXPIRES_SEC
    ) {
      return 'malformed presigned query';
    }
    const auth = parseSigV4Authorization(
      `AWS4-HMAC-SHA256 Credential=${params.get('X-Amz-Credential') ?? ''}, SignedHeaders=${params.get('X-Amz-SignedHeaders') ?? ''}, Signature=${signature}`,
    );
    if (auth === undefined) return 'malformed presigned query';
    const signedQuery = rawQuery
      .split('&')
      .filter((part) => !part.startsWith('X-Amz-Signature='))
      .join('&');
    return { auth, amzDate, signedQuery, notBefore: signedAt - skew, notAfter: signedAt + expires * 1000 };
  }

  async close(): Promise<void> {
    // Nothing is held.
  }
}

function deny(reason: string): AuthorizeOutcome {
  return { allowed: false, status: 403, code: 'SWB_ERR_AUTHORIZER_DENIED', reason: `AWS_IAM: ${reason}` };
}
