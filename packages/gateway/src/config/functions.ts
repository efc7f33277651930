/**
 * The `functions` section: local Lambda functions (AWS::Serverless::Function, AWS::Lambda::Function)
 * by name, run by the Lambda runner for AWS_PROXY integrations (`integrations.<name>.function`).
 * @see docs/lambda.md
 */
import { z } from 'zod';

export const functionSchema = z.strictObject({
  functionName: z
    .string()
    .min(1)
    .optional()
    .describe(
      'FunctionName, reported as `context.functionName` and `AWS_LAMBDA_FUNCTION_NAME`; default the key of this entry.',
    ),
  codeDir: z
    .string()
    .min(1)
    .default('.')
    .describe('Folder of the code (CodeUri), relative to the working directory; `.` by default.'),
  handler: z
    .string()
    .min(1)
    .describe(
      'Handler: `file.export` or `dir/file.export` inside `codeDir`; `.js`, `.mjs` and `.cjs` files are tried.',
    ),
  environment: z
    .record(z.string(), z.string())
    .default({})
    .describe('Environment.Variables of the function (e.g. `AWS_ENDPOINT_URL_DYNAMODB`).'),
  timeoutMs: z
    .int()
    .min(1)
    .max(900_000)
    .default(3_000)
    .describe('Function timeout (Timeout × 1000); a longer run is stopped and the call fails.'),
  memoryMb: z
    .int()
    .min(16)
    .max(10_240)
    .default(128)
    .describe('MemorySize: the heap limit of the worker thread that runs the function, in MB.'),
  runtime: z
    .string()
    .min(1)
    .default('nodejs20.x')
    .describe('Runtime, reported in `AWS_EXECUTION_ENV`; only Node.js handlers run.'),
});

export const functionsSchema = z
  .record(z.string().min(1), functionSchema)
  .default({})
  .describe('Local Lambda functions by name, run in isolated worker threads (docs/lambda.md).');

export type FunctionConfig = z.output<typeof functionSchema>;
