/**
 * What a local Lambda function is: its code folder, its `Handler` string, environment, timeout and
 * memory, as AWS::Lambda::Function / AWS::Serverless::Function describe it; and how the handler
 * string resolves to a module file and an export name, as the Node.js Lambda runtime does it.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { GatewayError } from '../errors.js';
import { isEsModule } from './module-format.js';

export interface LambdaFunctionSpec {
  /** FunctionName: reported in the context (`functionName`) and `AWS_LAMBDA_FUNCTION_NAME`. */
  readonly name: string;
  /** Folder holding the code (CodeUri / Code), absolute or relative to the process's working directory. */
  readonly codeDir: string;
  /** `Handler`: `file.export` or `dir/file.export`, relative to `codeDir` (e.g. `app.handler`, `src/chat.onMessage`). */
  readonly handler: string;
  /** Environment.Variables of the function, added to the Lambda-defined variables. @default {} */
  readonly environment?: Readonly<Record<string, string>> | undefined;
  /** Function timeout (Timeout × 1000); a longer invocation is stopped and its worker replaced. @default 3000 */
  readonly timeoutMs?: number | undefined;
  /** MemorySize: the heap limit of the worker running it, in MB. @default 128 */
  readonly memoryMb?: number | undefined;
  /** Runtime, reported in `AWS_EXECUTION_ENV`. @default "nodejs20.x" */
  readonly runtime?: string | undefined;
}

/** Defaults of {@link LambdaFunctionSpec}, as AWS has them. */
export const LAMBDA_DEFAULTS = { timeoutMs: 3_000, memoryMb: 128, runtime: 'nodejs20.x' } as const;

/** A handler string resolved against the file system. */
export interface ResolvedHandler {
  /** Absolute path of the module file. */
  readonly modulePath: string;
  /** Name of the exported function. */
  readonly exportName: string;
  /** Absolute code folder (`LAMBDA_TASK_ROOT`). */
  readonly taskRoot: string;
  /** True for an ES module (`.mjs`, or `.js` under `"type": "module"`), false for CommonJS. */
  readonly esModule: boolean;
}

/** The file extensions the Node.js runtime tries, in its order. */
const EXTENSIONS = ['.js', '.mjs', '.cjs'] as const;

/**
 * Resolves `handler` (`dir/file.export`) in `codeDir` to a module file, trying `.js`, `.mjs` and
 * `.cjs` like the Node.js runtime. Throws SWB_ERR_LAMBDA_HANDLER when the string is malformed or no
 * file exists.
 */
export function resolveHandler(codeDir: string, handler: string): ResolvedHandler {
  const dot = handler.lastIndexOf('.');
  const slash = handler.lastIndexOf('/');
  if (dot <= 0 || dot < slash || dot === handler.length - 1) {
    throw new GatewayError(
      'SWB_ERR_LAMBDA_HANDLER',
      `Handler "${handler}" must be "file.export" or "dir/file.export"`,
    );
  }
  const base = isAbsolute(codeDir) ? codeDir : resolve(codeDir);
  // An absolute module path (e.g. an authorizer's `handler`) is used as it is.
  const file = resolve(base, handler.slice(0, dot));
  const exportName = handler.slice(dot + 1);
  for (const extension of EXTENSIONS) {
    if (existsSync(file + extension))
      return { modulePath: file + extension, exportName, taskRoot: base, esModule: isEsModule(file + extension) };
  }
  throw new GatewayError(
    'SWB_ERR_LAMBDA_HANDLER',
    `Handler "${handler}": no ${EXTENSIONS.map((e) => file + e).join(', ')} exists (code folder ${base})`,
  );
}
