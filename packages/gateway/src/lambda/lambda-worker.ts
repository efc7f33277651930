/**
 * One Lambda execution environment: a worker thread with its own heap limit and environment that
 * loads one handler and runs one invocation at a time. A timeout, a crash (uncaught error,
 * `process.exit`) or running out of memory ends the worker; the runner then starts a fresh one.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { GatewayError } from '../errors.js';
import type { ResolvedHandler } from './lambda-function.js';
import { LambdaInvocationError, type LambdaErrorPayload } from './lambda-invocation-error.js';
import type { ManagementRedirect } from './management-redirect-source.js';
import { WORKER_SOURCE } from './worker-source.js';

/** What a worker needs to start. */
export interface LambdaWorkerOptions {
  readonly handler: ResolvedHandler;
  /** The `Handler` string, for messages. */
  readonly handlerName: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryMb: number;
  /** The complete environment of the worker (`process.env` inside it). */
  readonly env: Readonly<Record<string, string>>;
  /** How long loading the module may take (AWS: 10 s init phase). */
  readonly initTimeoutMs: number;
  /** A file URL the provided `@aws-sdk/*` modules resolve from; none are provided when undefined. */
  readonly providedSdkFrom?: string | undefined;
  /** Management API host names to send to the gateway's listener; none when undefined. */
  readonly managementRedirect?: ManagementRedirect | undefined;
}

/** Init errors that mean the code cannot be loaded (SWB_ERR_LAMBDA_HANDLER), not that it failed. */
const LOAD_ERRORS = new Set(['Runtime.HandlerNotFound', 'Runtime.ImportModuleError']);

type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: LambdaErrorPayload }
  | { readonly type: 'result'; readonly requestId: string; readonly json: string }
  | { readonly type: 'error'; readonly requestId: string; readonly error: LambdaErrorPayload };

interface Pending {
  readonly requestId: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class LambdaWorker {
  readonly #worker: Worker;
  readonly #options: LambdaWorkerOptions;
  readonly #ready: Promise<void>;
  #pending: Pending | undefined;
  #dead = false;
  #onReady: { resolve(): void; reject(error: Error): void } | undefined;

  constructor(options: LambdaWorkerOptions) {
    this.#options = options;
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      env: { ...options.env },
      workerData: {
        modulePath: options.handler.modulePath,
        exportName: options.handler.exportName,
        handler: options.handlerName,
        functionName: options.functionName,
        functionArn: options.functionArn,
        memoryMb: options.memoryMb,
        providedSdkFrom: options.providedSdkFrom,
        esModule: options.handler.esModule,
        managementRedirect: options.managementRedirect,
        logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
      },
      resourceLimits: {
        maxOldGenerationSizeMb: options.memoryMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.floor(options.memoryMb / 8)),
      },
    });
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#onReady = { resolve, reject };
    });
    // A failed start is reported to whoever awaits `ready()`; keep it from being an unhandled rejection.
    this.#ready.catch(() => undefined);
    this.#worker.on('message', (message: WorkerMessage) => this.#message(message));
    this.#worker.on('error', (error: Error) => this.#fail(this.#crash(error)));
    this.#worker.on('exit', (code) =>
      this.#fail(this.#crash(new Error(`the runtime exited with code ${code}`), code)),
    );
  }

  /** True once the worker ended (timeout, crash, close); it must not be used again. */
  get dead(): boolean {
    return this.#dead;
  }

  /** Resolves when the handler module is loaded; rejects (and the worker is dead) when it cannot be. */
  async ready(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new LambdaInvocationError('SWB_ERR_LAMBDA_TIMEOUT', {
            errorType: 'Runtime.InitTimeout',
            errorMessage: `${this.#options.functionName}: init did not finish within ${this.#options.initTimeoutMs} ms`,
            trace: [],
          }),
        );
        this.terminate();
      }, this.#options.initTimeoutMs);
    });
    try {
      await Promise.race([this.#ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs one invocation. The worker must be ready and idle. */
  invoke(event: unknown, requestId: string, traceId: string, timeoutMs: number): Promise<unknown> {
    if (this.#dead)
      return Promise.reject(
        new GatewayError(
          'SWB_ERR_LAMBDA_CRASH',
          `${this.#options.functionName}: the execution environment has ended`,
        ),
      );
    if (this.#pending !== undefined)
      return Promise.reject(
        new GatewayError('SWB_ERR_INTERNAL', 'a Lambda worker was given two invocations at once'),
      );
    this.#worker.ref();
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        const seconds = (timeoutMs / 1000).toFixed(2);
        this.#fail(
          new LambdaInvocationError('SWB_ERR_LAMBDA_TIMEOUT', {
            errorType: 'Sandbox.Timedout',
            errorMessage: `Task timed out after ${seconds} seconds`,
            trace: [],
          }),
        );
        this.terminate();
      }, timeoutMs);
      this.#pending = {
        requestId,
        resolve: (value) => {
          clearTimeout(timer);
          this.#worker.unref();
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#worker.postMessage({
        type: 'invoke',
        requestId,
        traceId,
        event,
        deadline: Date.now() + timeoutMs,
      });
    });
  }

  /** Stops the worker at once (a hang cannot stop it: V8 terminates the running script). */
  terminate(): void {
    if (!this.#dead)
      this.#fail(
        new GatewayError(
          'SWB_ERR_LAMBDA_CRASH',
          `${this.#options.functionName}: the execution environment was stopped`,
        ),
      );
    void this.#worker.terminate();
  }

  #message(message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        this.#worker.unref();
        this.#onReady?.resolve();
        return;
      case 'init-error':
        this.#fail(
          new LambdaInvocationError(
            LOAD_ERRORS.has(message.error.errorType)
              ? 'SWB_ERR_LAMBDA_HANDLER'
              : 'SWB_ERR_LAMBDA_ERROR',
            message.error,
          ),
        );
        void this.#worker.terminate();
        return;
      case 'result': {
        const pending = this.#take(message.requestId);
        pending?.resolve(JSON.parse(message.json) as unknown);
        return;
      }
      case 'error': {
        const pending = this.#take(message.requestId);
        // A handler error leaves the environment usable, as in Lambda.
        if (pending !== undefined) {
          this.#worker.unref();
          pending.reject(new LambdaInvocationError('SWB_ERR_LAMBDA_ERROR', message.error));
        }
        return;
      }
    }
  }

  #take(requestId: string): Pending | undefined {
    const pending = this.#pending;
    if (pending?.requestId !== requestId) return undefined;
    this.#pending = undefined;
    return pending;
  }

  #crash(error: Error, exitCode?: number): Error {
    const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
    const payload: LambdaErrorPayload = outOfMemory
      ? {
          errorType: 'Runtime.OutOfMemory',
          errorMessage: `${this.#options.functionName}: the handler used more than ${this.#options.memoryMb} MB`,
          trace: [],
        }
      : {
          errorType: exitCode === undefined ? 'Runtime.UncaughtError' : 'Runtime.ExitError',
          errorMessage: `${this.#options.functionName}: ${error.message}`,
          trace: (error.stack ?? '').split('\n'),
        };
    return new LambdaInvocationError('SWB_ERR_LAMBDA_CRASH', payload);
  }

  /** Ends the worker's life: whoever waits (start or invocation) gets `error`. */
  #fail(error: Error): void {
    this.#dead = true;
    this.#onReady?.reject(error);
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }
}
