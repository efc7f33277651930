/**
 * The settings of integrations beyond HTTP_PROXY, spread into `integrationSchema`: mapping
 * templates and integration responses (HTTP and MOCK), the local function or event endpoint of
 * AWS_PROXY, PassthroughBehavior and ContentHandlingStrategy.
 * @see docs/templates.md
 */
import { z } from 'zod';

export const integrationResponseSchema = z.strictObject({
  templates: z
    .record(z.string(), z.string())
    .default({})
    .describe(
      'ResponseTemplates: VTL templates by key, chosen by `templateSelectionExpression`; `$default` is the fallback.',
    ),
  templateSelectionExpression: z
    .string()
    .optional()
    .describe(
      'TemplateSelectionExpression of the response, e.g. `${integration.response.statuscode}`; default picks `$default`.',
    ),
});

export const integrationTemplateFields = {
  requestTemplates: z
    .record(z.string(), z.string())
    .default({})
    .describe(
      'HTTP and MOCK: RequestTemplates, VTL mapping templates by key; the key is chosen by `templateSelectionExpression`, `$default` is the fallback.',
    ),
  templateSelectionExpression: z
    .string()
    .default('\\$default')
    .describe('HTTP and MOCK: TemplateSelectionExpression: `${request.body.x}`, a literal, or `\\$default`.'),
  passthroughBehavior: z
    .enum(['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'])
    .default('WHEN_NO_MATCH')
    .describe(
      'HTTP: what happens when no request template matches: pass the body through (`WHEN_NO_MATCH`, `WHEN_NO_TEMPLATES` when there are no templates at all) or fail (`NEVER`).',
    ),
  integrationResponses: z
    .record(z.string(), integrationResponseSchema)
    .default({})
    .describe(
      'HTTP and MOCK: IntegrationResponses by key: `$default` or `/regex/` matched on the status code; their templates shape the reply of two-way routes.',
    ),
  contentHandlingStrategy: z
    .enum(['CONVERT_TO_TEXT', 'CONVERT_TO_BINARY'])
    .optional()
    .describe(
      'ContentHandlingStrategy: CONVERT_TO_BINARY decodes a base64 text message before it is sent; CONVERT_TO_TEXT base64-encodes a binary one.',
    ),
  function: z
    .string()
    .min(1)
    .optional()
    .describe(
      'AWS_PROXY: name of the local Lambda function (a key of `functions`) that receives the event. Without it, the event JSON is POSTed to `uri`.',
    ),
} as const;
