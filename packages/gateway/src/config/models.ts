/**
 * The `models` section (AWS::ApiGatewayV2::Model): JSON Schema draft 4 documents by name, used by
 * routes' `requestModels` to validate messages before the integration is called.
 */
import { z } from 'zod';

export const modelSchema = z.strictObject({
  schema: z
    .string()
    .min(2)
    .superRefine((text, ctx) => {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          ctx.addIssue({ code: 'custom', message: 'the schema must be a JSON object' });
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `the schema is not JSON: ${(error as Error).message}` });
      }
    })
    .describe('The JSON Schema (draft 4) as JSON text.'),
  contentType: z.string().default('application/json').describe('ContentType of the model; informational.'),
});

export const modelsSchema = z
  .record(z.string().min(1), modelSchema)
  .default({})
  .describe('Request models by name (JSON Schema draft 4), for route request validation.');

export type ModelConfig = z.output<typeof modelSchema>;
