/**
 * LambdaRunner: runs local Lambda handlers the way the Lambda service does, each invocation in an
 * isolated execution environment (a worker thread) with an AWS-shaped context, the function's
 * environment and its timeout. Environments are kept warm and reused; one that timed out, crashed
 * or ran out of memory is thrown away, and the gateway around it carries on.
 * @see ./README.md
 */
import { randomUUID } from 'node:crypto';
import { newTraceId } from '../connections/ids.js';
import { GatewayError } from '../errors.js';
import {
  LAMBDA_DEFAULTS,
  resolveHandler,
  type LambdaFunctionSpec,
  type ResolvedHandler,
} from './lambda-function.js';
import { LambdaWorker } from './lambda-worker.js';
import type { ManagementRedirect } from './management-redirect-source.js';

/** Where the provided AWS SDK resolves from: this package's own dependencies. */
const PROVIDED_SDK_FROM = import.meta.url;

export interface LambdaRunnerOptions {
  /** Region reported in `AWS_REGION` and the function ARN. @default "us-east-1" */
  readonly region?: string | undefined;
  /** Account id in the function ARN. @default "123456789012" */
  readonly accountId?: string | undefined;
  /**
   * Variables every function inherits from the host before its own (e.g. credentials, `PATH`,
   * `AWS_ENDPOINT_URL_DYNAMODB`). The runner reads no `process.env` itself. @default {}
   */
  readonly baseEnv?: Readonly<Record<string, string | undefined>> | undefined;
  /** Invocations of one function running at once; more wait in line. @default 10 */
  readonly maxConcurrency?: number | undefined;
  /** A warm environment unused this long is stopped. @default 300000 */
  readonly idleMs?: number | undefined;
  /** How long loading a handler module may take. @default 10000 */
  readonly initTimeoutMs?: number | undefined;
  /**
   * Provide the gateway's `@aws-sdk/*` and `@smithy/*` modules to handlers whose folder has none,
   * as the Lambda Node.js runtime provides the SDK. @default true
   */
  readonly provideAwsSdk?: boolean | undefined;
  /**
   * The management API host names and listener that new environments redirect their `https://`
   * calls to; read when an environment starts (after the gateway listens). @default no redirect
   */
  readonly managementRedirect?: (() => ManagementRedirect | undefined) | undefined;
}

export interface InvokeOptions {
  /** Overrides the function's own timeout for this call (e.g. an integration's shorter timeout). */
  readonly timeoutMs?: number | undefined;
}

/** The warm environments of one function and the invocations waiting for one. */
interface FunctionPool {
  readonly spec: LambdaFunctionSpec;
  readonly handler: ResolvedHandler;
  readonly idle: { worker: LambdaWorker; since: number }[];
  busy: number;
  readonly waiting: (() => void)[];
}

export class LambdaRunner {
  readonly #region: string;
  readonly #accountId: string;
  readonly #baseEnv: Record<string, string>;
  readonly #maxConcurrency: number;
  readonly #idleMs: number;
  readonly #initTimeoutMs: number;
  readonly #providedSdkFrom: string | undefined;
  readonly #managementRedirect: (() => ManagementRedirect | undefined) | undefined;
  readonly #pools = new Map<string, FunctionPool>();
  readonly #running = new Set<LambdaWorker>();
  readonly #reaper: NodeJS.Timeout;
  #closed = false;

  constructor(options: LambdaRunnerOptions = {}) {
    this.#region = options.region ?? 'us-east-1';
    this.#accountId = options.accountId ?? '123456789012';
    this.#baseEnv = {};
    for (const [name, value] of Object.entries(options.baseEnv ?? {}))
      if (value !== undefined) this.#baseEnv[name] = value;
    this.#maxConcurrency = options.maxConcurrency ?? 10;
    this.#idleMs = options.idleMs ?? 300_000;
    this.#initTimeoutMs = options.initTimeoutMs ?? 10_000;
    this.#providedSdkFrom = options.provideAwsSdk === false ? undefined : PROVIDED_SDK_FROM;
    this.#managementRedirect = options.managementRedirect;
    this.#reaper = setInterval(() => this.#reap(), Math.min(this.#idleMs, 60_000));
    this.#reaper.unref();
  }

  /**
   * Invokes `fn` with `event` and resolves with the handler's result (JSON round-tripped, as Lambda
   * returns it). Rejects with a LambdaInvocationError: SWB_ERR_LAMBDA_ERROR (the handler threw or
   * rejected; `errorMessage` is what it threw), SWB_ERR_LAMBDA_TIMEOUT, SWB_ERR_LAMBDA_CRASH (the
   * environment died: uncaught error, `process.exit`, out of memory), SWB_ERR_LAMBDA_HANDLER (the
   * module or export is missing).
   */
  async invoke(fn: LambdaFunctionSpec, event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    if (this.#closed) throw new GatewayError('SWB_ERR_LAMBDA_CRASH', 'the Lambda runner is closed');
    const pool = this.#pool(fn);
    await this.#slot(pool);
    let worker: LambdaWorker | undefined;
    try {
      worker = await this.#worker(pool);
      const timeoutMs = options.timeoutMs ?? fn.timeoutMs ?? LAMBDA_DEFAULTS.timeoutMs;
      const result = await worker.invoke(event, randomUUID(), newTraceId(Date.now()), timeoutMs);
      return result;
    } finally {
      pool.busy--;
      if (worker !== undefined) {
        this.#running.delete(worker);
        if (!worker.dead && this.#open()) pool.idle.push({ worker, since: Date.now() });
      }
      pool.waiting.shift()?.();
    }
  }

  /** Stops every environment; pending invocations reject. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#reaper);
    for (const pool of this.#pools.values()) {
      for (const { worker } of pool.idle.splice(0)) worker.terminate();
      for (const wake of pool.waiting.splice(0)) wake();
    }
    for (const worker of this.#running) worker.terminate();
    this.#running.clear();
    await Promise.resolve();
  }

  #pool(fn: LambdaFunctionSpec): FunctionPool {
    const key = `${fn.name}\0${fn.codeDir}\0${fn.handler}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = { spec: fn, handler: resolveHandler(fn.codeDir, fn.handler), idle: [], busy: 0, waiting: [] };
      this.#pools.set(key, pool);
    }
    return pool;
  }

  async #slot(pool: FunctionPool): Promise<void> {
    while (pool.busy >= this.#maxConcurrency) {
      await new Promise<void>((resolve) => pool.waiting.push(resolve));
      if (this.#closed) throw new GatewayError('SWB_ERR_LAMBDA_CRASH', 'the Lambda runner is closed');
    }
    pool.busy++;
  }

  async #worker(pool: FunctionPool): Promise<LambdaWorker> {
    for (let entry = pool.idle.pop(); entry !== undefined; entry = pool.idle.pop()) {
      if (!entry.worker.dead) {
        this.#running.add(entry.worker);
        return entry.worker;
      }
    }
    const { spec } = pool;
    const memoryMb = spec.memoryMb ?? LAMBDA_DEFAULTS.memoryMb;
    const worker = new LambdaWorker({
      handler: pool.handler,
      handlerName: spec.handler,
      functionName: spec.name,
      functionArn: `arn:aws:lambda:${this.#region}:${this.#accountId}:function:${spec.name}`,
      memoryMb,
      env: this.#environment(spec, pool.handler, memoryMb),
      initTimeoutMs: this.#initTimeoutMs,
      providedSdkFrom: this.#providedSdkFrom,
      managementRedirect: this.#managementRedirect?.(),
    });
    this.#running.add(worker);
    try {
      await worker.ready();
    } catch (error) {
      this.#running.delete(worker);
      throw error;
    }
    return worker;
  }

  /** False once `close()` was called (a method, so that checks after an `await` re-read it). */
  #open(): boolean {
    return !this.#closed;
  }

  /** The host's base variables, the Lambda-defined ones, then the function's own. */
  #environment(spec: LambdaFunctionSpec, handler: ResolvedHandler, memoryMb: number): Record<string, string> {
    return {
      ...this.#baseEnv,
      AWS_REGION: this.#region,
      AWS_DEFAULT_REGION: this.#region,
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
      AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime ?? LAMBDA_DEFAULTS.runtime}`,
      LAMBDA_TASK_ROOT: handler.taskRoot,
      _HANDLER: spec.handler,
      ...spec.environment,
    };
  }

  #reap(): void {
    const oldest = Date.now() - this.#idleMs;
    for (const pool of this.#pools.values()) {
      for (let i = pool.idle.length - 1; i >= 0; i--) {
        const entry = pool.idle[i];
        if (entry !== undefined && entry.since < oldest) {
          pool.idle.splice(i, 1);
          entry.worker.terminate();
        }
      }
    }
  }
}
