// The Lambda runner with real handler modules in real worker threads: ESM and CommonJS, async and
// callback handlers, the AWS-shaped context and environment, and isolation from crashes, hangs and leaks.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LambdaRunner } from '../../src/lambda/lambda-runner.js';
import type { LambdaFunctionSpec } from '../../src/lambda/lambda-function.js';
import { invocationFailure } from './invocation-failure.js';

const codeDir = fileURLToPath(new URL('../fixtures/lambda/', import.meta.url));
const runner = new LambdaRunner({ region: 'eu-west-1', baseEnv: { FROM_HOST: 'yes' } });
afterAll(() => runner.close());

const fn = (handler: string, extra: Partial<LambdaFunctionSpec> = {}): LambdaFunctionSpec => ({
  name: handler.replace(/\W/g, '-'),
  codeDir,
  handler,
  ...extra,
});

describe('LambdaRunner', () => {
  it('runs an ESM async handler with an AWS-shaped context and the function environment', async () => {
    const result = (await runner.invoke(
      fn('echo.handler', { name: 'chat', environment: { GREETING: 'hi' }, timeoutMs: 5000, memoryMb: 256 }),
      { x: 1 },
    )) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    const seen = JSON.parse(result.body) as Record<string, unknown>;
    expect(seen).toMatchObject({
      event: { x: 1 },
      functionName: 'chat',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:chat',
      memoryLimitInMB: '256',
      greeting: 'hi',
      region: 'eu-west-1',
      lambdaName: 'chat',
    });
    expect(seen['awsRequestId']).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen['remaining']).toBeGreaterThan(4000);
    expect(seen['remaining']).toBeLessThanOrEqual(5000);
  });

  it('runs a CommonJS callback handler', async () => {
    expect(await runner.invoke(fn('cjs/callback.handler'), { body: 'x' })).toEqual({
      statusCode: 200,
      body: 'cjs:x',
    });
    const error = await invocationFailure(runner.invoke(fn('cjs/callback.fails'), {}));
    expect(error.code).toBe('SWB_ERR_LAMBDA_ERROR');
    expect(error.errorMessage).toBe('callback failure');
  });

  it('reuses a warm environment between invocations', async () => {
    const counter = fn('echo.counter');
    expect(await runner.invoke(counter, {})).toEqual({ count: 1 });
    expect(await runner.invoke(counter, {})).toEqual({ count: 2 });
  });

  it('reports a thrown error and a thrown string with Lambda errorType and errorMessage', async () => {
    const thrown = await invocationFailure(runner.invoke(fn('faults.throws'), {}));
    expect(thrown).toMatchObject({
      code: 'SWB_ERR_LAMBDA_ERROR',
      errorType: 'TypeError',
      errorMessage: 'boom',
    });
    const unauthorized = await invocationFailure(runner.invoke(fn('faults.unauthorized'), {}));
    expect(unauthorized).toMatchObject({
      code: 'SWB_ERR_LAMBDA_ERROR',
      errorType: 'string',
      errorMessage: 'Unauthorized',
    });
  });

  it('stops a hanging handler at its timeout, then serves the next call from a fresh environment', async () => {
    const error = await invocationFailure(runner.invoke(fn('faults.hang', { timeoutMs: 200 }), {}));
    expect(error).toMatchObject({
      code: 'SWB_ERR_LAMBDA_TIMEOUT',
      errorMessage: 'Task timed out after 0.20 seconds',
    });
    expect(await runner.invoke(fn('faults.slow', { timeoutMs: 2000 }), { ms: 5 })).toEqual({ slept: 5 });
  });

  it('survives an uncaught error, process.exit and a memory leak in a handler', async () => {
    expect(await invocationFailure(runner.invoke(fn('faults.crash'), {}))).toMatchObject({
      code: 'SWB_ERR_LAMBDA_CRASH',
      errorType: 'Runtime.UncaughtError',
    });
    expect(await invocationFailure(runner.invoke(fn('faults.exit'), {}))).toMatchObject({
      code: 'SWB_ERR_LAMBDA_CRASH',
      errorType: 'Runtime.ExitError',
    });
    expect(
      await invocationFailure(runner.invoke(fn('faults.leak', { memoryMb: 32, timeoutMs: 20_000 }), {})),
    ).toMatchObject({ code: 'SWB_ERR_LAMBDA_CRASH', errorType: 'Runtime.OutOfMemory' });
    // The host process is fine and the runner still works.
    expect(await runner.invoke(fn('cjs/callback.handler'), { body: 'still here' })).toEqual({
      statusCode: 200,
      body: 'cjs:still here',
    });
  });

  it('refuses a handler whose module or export does not exist', async () => {
    expect(await invocationFailure(runner.invoke(fn('missing.handler'), {}))).toMatchObject({
      code: 'SWB_ERR_LAMBDA_HANDLER',
    });
    expect(await invocationFailure(runner.invoke(fn('echo.nothing'), {}))).toMatchObject({
      code: 'SWB_ERR_LAMBDA_HANDLER',
      errorType: 'Runtime.HandlerNotFound',
    });
  });
});
