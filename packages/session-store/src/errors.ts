/**
 * SessionStoreError: every failure of a session store, with a stable `SWB_ERR_SESSION_STORE_*`
 * code from @switchboard/protocol; the driver's error is kept as `cause`.
 */
import type { ErrorCode } from '@switchboard/protocol';

export type SessionStoreErrorCode = Extract<ErrorCode, `SWB_ERR_SESSION_STORE_${string}`>;

export class SessionStoreError extends Error {
  override readonly name = 'SessionStoreError';
  readonly code: SessionStoreErrorCode;

  constructor(code: SessionStoreErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** Wraps a driver failure as SWB_ERR_SESSION_STORE_UNAVAILABLE, keeping our own errors as they are. */
export function unavailable(kind: string, operation: string, error: unknown): SessionStoreError {
  if (error instanceof SessionStoreError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new SessionStoreError(
    'SWB_ERR_SESSION_STORE_UNAVAILABLE',
    `${kind} session store: ${operation} failed: ${reason}`,
    { cause: error },
  );
}
