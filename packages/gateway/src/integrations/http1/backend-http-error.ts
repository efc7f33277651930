/**
 * The errors of the backend HTTP client, each with a stable `code` and `sent`: whether any byte of
 * the request had been handed to the socket. A request never sent is safe to send elsewhere.
 */

export type BackendHttpErrorCode =
  /** The connection ended before a whole response came back. */
  | 'closed'
  /** No whole response within the time allowed. */
  | 'timeout'
  /** A response the client cannot read with certainty. */
  | 'bad-response'
  /** A response body over the limit. */
  | 'too-large'
  /** A request the client refuses to write (a header value with CR or LF, say). */
  | 'bad-request'
  /** The pool was closed before the request could be sent. */
  | 'pool-closed'
  /** Pipelined behind a drain signal: the backend did not process it. */
  | 'behind-drain';

export class BackendHttpError extends Error {
  override readonly name = 'BackendHttpError';
  readonly code: BackendHttpErrorCode;
  /** True when the request was written, in part or whole, to a connection. */
  sent = false;

  constructor(code: BackendHttpErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** Notes on a socket error (ECONNREFUSED, ECONNRESET, …) whether the request was sent. */
export function withSent(error: unknown, sent: boolean): Error & { sent?: boolean } {
  const failure = (error instanceof Error ? error : new Error(String(error))) as Error & { sent?: boolean };
  failure.sent = sent;
  return failure;
}
