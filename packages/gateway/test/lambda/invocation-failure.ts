/** Test helper: the LambdaInvocationError a failed invocation rejects with (the test fails if it succeeds). */
import type { LambdaInvocationError } from '../../src/lambda/lambda-invocation-error.js';

export async function invocationFailure(promise: Promise<unknown>): Promise<LambdaInvocationError> {
  try {
    await promise;
  } catch (error) {
    return error as LambdaInvocationError;
  }
  throw new Error('expected the invocation to fail');
}
