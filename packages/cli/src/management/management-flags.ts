/**
 * The flags every management command shares (`--endpoint`, `--token`, `--access-key-id`,
 * `--secret-access-key`, `--session-token`, `--region`, `--json`) and how they become a
 * ManagementClient. Unset flags fall back to SWITCHBOARD_ENDPOINT, SWITCHBOARD_TOKEN and the usual
 * AWS_* variables; only the CLI reads the environment, never the gateway core.
 */
import { parseArgs } from 'node:util';
import { GatewayError } from '@switchboard/gateway';
import { parseFlags } from '../usage-error.js';
import { ManagementClient, type ManagementAuth } from './management-client.js';

export const managementOptionsHelp = `Connection options (every management command):
  --endpoint URL           the admin listener and stage, e.g. http://127.0.0.1:8081/dev
                           (or SWITCHBOARD_ENDPOINT)
  --token TOKEN            bearer token (admin.auth.mode: bearer; or SWITCHBOARD_TOKEN)
  --access-key-id ID       SigV4 signing (or AWS_ACCESS_KEY_ID)
  --secret-access-key KEY  SigV4 signing (or AWS_SECRET_ACCESS_KEY)
  --session-token TOKEN    SigV4 temporary credentials (or AWS_SESSION_TOKEN)
  --region NAME            SigV4 region (or AWS_REGION, AWS_DEFAULT_REGION; default us-east-1)
  --timeout MS             per-request deadline (default 10000)
  --json                   print JSON instead of text
  -h, --help               this help

Without --token or AWS credentials requests are sent unsigned (admin.auth.mode: off).
Exit codes: 0 ok, 1 failure, 2 usage error, 3 connection gone (410), 4 refused (403:
authentication, unknown stage), 69 gateway unreachable.
`;

const sharedOptions = {
  endpoint: { type: 'string' },
  token: { type: 'string' },
  'access-key-id': { type: 'string' },
  'secret-access-key': { type: 'string' },
  'session-token': { type: 'string' },
  region: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * A connection id (`R1kmxc2VNjMCFIA=`: 15 base64url characters and `=`) may begin with `-`, which
 * parseArgs would read as a flag: such an argument is marked before parsing and unmarked after.
 */
const DASHED_CONNECTION_ID = /^-[A-Za-z0-9_-]{14}=$/;
const ID_MARK = '\u0000';

function escapeConnectionId(arg: string): string {
  return DASHED_CONNECTION_ID.test(arg) ? ID_MARK + arg : arg;
}

function unescapeConnectionId(arg: string): string {
  return arg.startsWith(ID_MARK) ? arg.slice(1) : arg;
}

type ExtraOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export interface ManagementCommandInput {
  readonly client: ManagementClient;
  readonly json: boolean;
  readonly positionals: readonly string[];
  /** Every flag's value, the command's own included. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

/**
 * Parses `argv` for `command`; returns undefined after printing `help` for `--help`. Throws
 * SWB_ERR_CLI_USAGE for a bad flag, a missing endpoint or half a pair of AWS credentials.
 */
export function parseManagementCommand(
  command: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  help: string,
  extra: ExtraOptions = {},
): ManagementCommandInput | undefined {
  const parsed = parseFlags(command, () =>
    parseArgs({
      args: argv.map(escapeConnectionId),
      strict: true,
      allowPositionals: true,
      options: { ...sharedOptions, ...extra },
    }),
  );
  const positionals = parsed.positionals.map(unescapeConnectionId);
  const flags: Record<string, string | boolean | undefined> = {};
  for (const [name, value] of Object.entries(parsed.values as Record<string, string | boolean | undefined>))
    flags[name] = typeof value === 'string' ? unescapeConnectionId(value) : value;
  if (flags.help === true) {
    process.stdout.write(help);
    return undefined;
  }
  const text = (name: string): string | undefined => {
    const value = flags[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const endpointText = text('endpoint') ?? env.SWITCHBOARD_ENDPOINT;
  if (endpointText === undefined || endpointText === '')
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard ${command}: --endpoint is required, e.g. --endpoint http://127.0.0.1:8081/dev`,
    );
  let endpoint: URL;
  try {
    endpoint = new URL(endpointText);
  } catch {
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard ${command}: --endpoint "${endpointText}" is not a URL`,
    );
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:')
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard ${command}: --endpoint must be http:// or https://, got "${endpointText}"`,
    );
  if (endpoint.pathname.replace(/\/+$/, '') === '')
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard ${command}: --endpoint must name the stage, e.g. ${endpoint.origin}/dev`,
    );
  const timeoutText = text('timeout');
  const timeoutMs = timeoutText === undefined ? 10_000 : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard ${command}: --timeout must be a positive whole number of milliseconds, got "${String(timeoutText)}"`,
    );
  return {
    client: new ManagementClient({ endpoint, auth: authFrom(command, text, env), timeoutMs }),
    json: flags.json === true,
    positionals,
    values: flags,
  };
}

function authFrom(
  command: string,
  text: (name: string) => string | undefined,
  env: NodeJS.ProcessEnv,
): ManagementAuth {
  const token = text('token') ?? nonEmpty(env.SWITCHBOARD_TOKEN);
  const accessKeyId = text('access-key-id') ?? nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = text('secret-access-key') ?? nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (token !== undefined) {
    if (text('access-key-id') !== undefined || text('secret-access-key') !== undefined)
      throw new GatewayError(
        'SWB_ERR_CLI_USAGE',
        `switchboard ${command}: give --token or AWS credentials, not both`,
      );
    return { kind: 'bearer', token };
  }
  if (accessKeyId === undefined && secretAccessKey === undefined) return { kind: 'none' };
  if (accessKeyId === undefined || secretAccessKey === undefined)
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard ${command}: SigV4 needs both --access-key-id and --secret-access-key (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
    );
  return {
    kind: 'sigv4',
    credentials: {
      accessKeyId,
      secretAccessKey,
      sessionToken: text('session-token') ?? nonEmpty(env.AWS_SESSION_TOKEN),
    },
    region: text('region') ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1',
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The one positional a command needs (a connection id, a message), or a usage error naming it. */
export function positional(
  command: string,
  positionals: readonly string[],
  index: number,
  name: string,
): string {
  const value = positionals[index];
  if (value === undefined || value === '')
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard ${command}: missing ${name}; see switchboard ${command} --help`,
    );
  return value;
}
