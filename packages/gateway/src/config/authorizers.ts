/**
 * The `authorizers` section: `$connect` authorizers by name, referenced by `routes.$connect.authorizer`.
 * REQUEST authorizers follow AWS (identity sources, policy output); JWT is Switchboard's own, for browsers.
 */
import { z } from 'zod';

export const authorizerSchema = z
  .strictObject({
    type: z
      .enum(['REQUEST', 'JWT'])
      .describe(
        'REQUEST: an AWS Lambda REQUEST authorizer, called over HTTP (`uri`) or run as a Lambda module (`handler`). JWT: Switchboard verifies a JSON Web Token itself.',
      ),
    identitySource: z
      .array(
        z
          .string()
          .regex(/^(route\.request\.header\.|route\.request\.querystring\.|stageVariables\.|context\.).+$/),
      )
      .default([])
      .describe(
        'REQUEST only (AWS IdentitySource): `route.request.header.NAME`, `route.request.querystring.NAME`, `stageVariables.NAME` or `context.NAME`. When one is missing or empty the client gets 401 and the authorizer is not called.',
      ),
    uri: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        'REQUEST over HTTP: the authorizer input JSON (AWS 2.10) is POSTed here; the response body is the authorizer output JSON (or `"Unauthorized"`).',
      ),
    handler: z
      .string()
      .min(1)
      .optional()
      .describe(
        'REQUEST as a Lambda module: the Lambda `Handler` (`file.export` or `dir/file.export`, relative to `codeDir`), run isolated by the local Lambda runner (docs/lambda.md).',
      ),
    codeDir: z
      .string()
      .min(1)
      .default('.')
      .describe('REQUEST as a Lambda module: the directory `handler` is relative to (CodeUri).'),
    environment: z
      .record(z.string(), z.string())
      .default({})
      .describe('REQUEST as a Lambda module: environment variables of the function.'),
    timeoutMs: z
      .int()
      .min(50)
      .max(30_000)
      .default(10_000)
      .describe('REQUEST: how long the authorizer may take; longer is an authorizer error (500). AWS: 10 s.'),
    issuer: z.string().min(1).optional().describe('JWT: the required `iss` claim.'),
    audience: z
      .array(z.string().min(1))
      .default([])
      .describe('JWT: accepted `aud` values; empty accepts any audience.'),
    jwksUri: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('JWT: URL of the JSON Web Key Set that signs tokens (fetched and cached by `jose`).'),
    publicKey: z
      .string()
      .min(1)
      .optional()
      .describe('JWT: a static PEM public key (SPKI) instead of `jwksUri`.'),
    secret: z
      .string()
      .min(1)
      .optional()
      .describe('JWT: a static shared secret for HS256/HS384/HS512 tokens instead of `jwksUri`.'),
    algorithms: z
      .array(z.string().min(1))
      .default([])
      .describe('JWT: accepted `alg` values; empty accepts what the key allows.'),
    queryParameter: z
      .string()
      .default('token')
      .describe('JWT: query-string parameter that may carry the token; "" turns this source off.'),
    protocolPrefix: z
      .string()
      .default('bearer.')
      .describe(
        'JWT: an offered `Sec-WebSocket-Protocol` entry `PREFIX<token>` carries the token; "" turns this source off. The echoed protocol is never that entry unless it is the only one offered.',
      ),
    clockToleranceSec: z
      .int()
      .min(0)
      .default(5)
      .describe('JWT: allowed clock skew for `exp` and `nbf`, in seconds.'),
  })
  .superRefine((authorizer, ctx) => {
    if (authorizer.type === 'REQUEST') {
      if ((authorizer.uri === undefined) === (authorizer.handler === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['uri'],
          message: 'a REQUEST authorizer needs exactly one of uri (HTTP) or handler (Lambda module)',
        });
      }
      for (const key of ['issuer', 'jwksUri', 'publicKey', 'secret'] as const) {
        if (authorizer[key] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `${key} is a JWT setting; this authorizer is REQUEST`,
          });
      }
      return;
    }
    const keys = [authorizer.jwksUri, authorizer.publicKey, authorizer.secret].filter(
      (key) => key !== undefined,
    ).length;
    if (keys !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['jwksUri'],
        message: 'a JWT authorizer needs exactly one of jwksUri, publicKey or secret',
      });
    for (const key of ['uri', 'handler'] as const) {
      if (authorizer[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} is a REQUEST setting; this authorizer is JWT`,
        });
    }
    if (authorizer.queryParameter === '' && authorizer.protocolPrefix === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['queryParameter'],
        message: 'a JWT authorizer needs queryParameter or protocolPrefix (or both)',
      });
    }
  });

export const authorizersSchema = z
  .record(z.string().min(1), authorizerSchema)
  .default({})
  .describe('`$connect` authorizers by name (AWS::ApiGatewayV2::Authorizer, plus JWT).');

export type AuthorizerConfig = z.output<typeof authorizerSchema>;
