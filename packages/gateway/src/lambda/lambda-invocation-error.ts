/**
 * The error an invocation rejects with when the function failed: a GatewayError with a stable code
 * plus Lambda's own `errorType` / `errorMessage`, e.g. an authorizer that throws "Unauthorized".
 */
import type { ErrorCode } from '@switchboard/protocol';
import { GatewayError } from '../errors.js';

/** A function error as Lambda reports it. */
export interface LambdaErrorPayload {
  /** `Error`, `TypeError`, `string` for a thrown string, `Sandbox.Timedout`, `Runtime.ExitError`, … */
  readonly errorType: string;
  /** The thrown error's message, or the thrown string itself. */
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

export class LambdaInvocationError extends GatewayError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];

  constructor(code: ErrorCode, payload: LambdaErrorPayload) {
    super(code, `${payload.errorType}: ${payload.errorMessage}`);
    this.errorType = payload.errorType;
    this.errorMessage = payload.errorMessage;
    this.trace = payload.trace;
  }
}
