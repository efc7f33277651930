/**
 * GatewayError: the one error class of the gateway. Callers match on `code` (a stable `SWB_ERR_*`
 * from @switchboard/protocol), never on `instanceof`; the `cause` from a backend or a store is kept.
 */
import { errorCodes, type ErrorCode, type ErrorCodeSpec } from '@switchboard/protocol';

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  /** HTTP status for this error's code. */
  get status(): number {
    return errorCodes[this.code].status;
  }

  /** WebSocket close code for this error's code, when it closes a client connection. */
  get closeCode(): number | undefined {
    const spec: ErrorCodeSpec = errorCodes[this.code];
    return spec.closeCode;
  }
}

/** True when `error` is a GatewayError with the given code. */
export function hasCode(error: unknown, code: ErrorCode): error is GatewayError {
  return error instanceof GatewayError && error.code === code;
}
