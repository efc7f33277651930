/**
 * `admin.auth`: how the `@connections` management API authenticates callers: AWS SigV4 (off, any
 * signature, or verified against an access-key table) or a static bearer token for non-AWS clients.
 */
import { z } from 'zod';

export const managementAuthSchema = z
  .strictObject({
    mode: z
      .enum(['off', 'any-signature', 'verify', 'bearer'])
      .default('off')
      .describe(
        '`off`: no check. `any-signature`: a well-formed, in-date SigV4 `Authorization` header is required but not verified. `verify`: SigV4 verified against `accessKeys`. `bearer`: `Authorization: Bearer TOKEN` with one of `bearerTokens`.',
      ),
    accessKeys: z
      .record(z.string().min(1), z.string().min(1))
      .default({})
      .describe(
        '`verify`: secret access keys by access key id, e.g. `{AKIDEXAMPLE: wJalrX…}`. Set from the environment with SWITCHBOARD_ADMIN_AUTH_ACCESS_KEYS (a JSON object).',
      ),
    region: z
      .string()
      .min(1)
      .optional()
      .describe('SigV4: the only region accepted in the credential scope; default any region.'),
    clockSkewMs: z
      .int()
      .min(0)
      .default(300_000)
      .describe('SigV4: largest difference between `x-amz-date` and the gateway clock (AWS: 5 minutes).'),
    bearerTokens: z
      .array(z.string().min(16))
      .default([])
      .describe('`bearer`: accepted tokens (at least 16 characters each).'),
  })
  .prefault({})
  .superRefine((auth, ctx) => {
    if (auth.mode === 'verify' && Object.keys(auth.accessKeys).length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['accessKeys'],
        message: 'mode "verify" needs at least one access key',
      });
    if (auth.mode === 'bearer' && auth.bearerTokens.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['bearerTokens'],
        message: 'mode "bearer" needs at least one token',
      });
  })
  .describe('Management API authentication.');

export type ManagementAuthConfig = z.output<typeof managementAuthSchema>;
