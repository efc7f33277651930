/**
 * The base environment of local Lambda functions, before the Lambda-defined variables and the
 * function's own: the host's `AWS_*` variables and shell basics, the configured DynamoDB endpoint,
 * and credentials when the host gives none (Lambda always sets the execution role's credentials).
 * @see docs/lambda.md "Environment"
 */
import type { Config } from '../config/schema.js';

/** Host variables handed to local functions: credentials, endpoints and the basics of a shell. */
const INHERITED_ENV = /^(AWS_.*|PATH|HOME|TZ|LANG|LC_ALL|NODE_EXTRA_CA_CERTS)$/;

/** Credentials a function gets when the host has none: signed calls to local services then work. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function functionBaseEnv(
  config: Config,
  hostEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(hostEnv))
    if (value !== undefined && INHERITED_ENV.test(name)) env[name] = value;
  if (config.dynamodb.endpoint !== undefined) env['AWS_ENDPOINT_URL_DYNAMODB'] = config.dynamodb.endpoint;
  if (env['AWS_ACCESS_KEY_ID'] === undefined && env['AWS_PROFILE'] === undefined) {
    // With SigV4 verified on the management API, a function signs with the first configured key,
    // as a Lambda execution role allowed execute-api:ManageConnections would.
    const [verified] = config.admin.auth.mode === 'verify' ? Object.entries(config.admin.auth.accessKeys) : [];
    env['AWS_ACCESS_KEY_ID'] = verified?.[0] ?? LOCAL_CREDENTIALS.accessKeyId;
    env['AWS_SECRET_ACCESS_KEY'] = verified?.[1] ?? LOCAL_CREDENTIALS.secretAccessKey;
  }
  return env;
}
