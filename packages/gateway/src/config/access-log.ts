/**
 * The `accessLog` section: AWS `AccessLogSettings`: a `Format` template of `$context.*` variables
 * rendered for every `$connect`, message and `$disconnect`, one line each, to stdout or a file.
 */
import { z } from 'zod';

export const accessLogSchema = z
  .strictObject({
    format: z
      .string()
      .max(3_072)
      .optional()
      .describe(
        'AccessLogSettings.Format: text with `$context.x.y` (or `${context.x.y}`) references; unset turns access logs off. AWS limits it to 3 KB.',
      ),
    destination: z
      .string()
      .min(1)
      .default('stdout')
      .describe('`stdout`, `stderr`, or a file path (appended to).'),
  })
  .prefault({})
  .describe('Access logs.');

export type AccessLogConfig = z.output<typeof accessLogSchema>;
