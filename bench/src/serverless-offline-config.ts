/**
 * The files of the benchmark's serverless-offline peer: the package.json that
 * `npm run bench:install-peers` installs from, and the service (serverless.yml and the echo
 * handler) that serverless-offline.ts writes into a temp dir for each measurement. Only the text is
 * made here, so it can be checked without serverless installed.
 */

/** The pair that runs here without a binary download (docs/peers.md section 3.2). */
export const SERVERLESS_VERSION = '3.40.0';
export const SERVERLESS_OFFLINE_VERSION = '13.9.0';

/** The handler module's file name (ESM: AWS's Node runtimes and serverless-offline load `.mjs`). */
export const HANDLER_FILE = 'handler.mjs';

/** The package.json of the install dir, bench/peers/serverless-offline/ (not a workspace). */
export function serverlessOfflinePackageJson(): string {
  const pkg = {
    name: 'switchboard-bench-peer-serverless-offline',
    private: true,
    description:
      'Installed by `npm run bench:install-peers` for the benchmark (bench/src/serverless-offline.ts); ' +
      'outside the npm workspaces, git-ignored.',
    dependencies: {
      serverless: SERVERLESS_VERSION,
      'serverless-offline': SERVERLESS_OFFLINE_VERSION,
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export interface ServerlessServiceInput {
  /** serverless-offline's WebSocket port (clients and the @connections API) on `host`. */
  readonly websocketPort: number;
  /** Its HTTP API port (bound only when there are http events; there are none). */
  readonly httpPort: number;
  /** Its Lambda invoke API port (always bound). */
  readonly lambdaPort: number;
  /** Run handlers in serverless-offline's own thread (`useInProcess`) instead of worker threads. */
  readonly inProcess: boolean;
  /** @default 127.0.0.1 */
  readonly host?: string;
}

/**
 * serverless.yml: one Node 20 function for `$connect`, `$disconnect` and `$default`. The `$default`
 * route sets `routeResponseSelectionExpression: $default`, so serverless-offline sends the body the
 * handler returns back to the sender, as a two-way route does in API Gateway: the cheapest reply it
 * supports (a POST to the @connections API from the handler would add an HTTP request, an SDK
 * client and a second Lambda-side await to every message). Route selection stays AWS's default,
 * `$request.body.action`: the bench's plain-text messages are not JSON, so they go to `$default`.
 */
export function serverlessYml(input: ServerlessServiceInput): string {
  return [
    '# Written by bench/src/serverless-offline.ts for a benchmark measurement; removed when it stops.',
    'service: switchboard-bench-echo',
    "frameworkVersion: '3'",
    'provider:',
    '  name: aws',
    '  runtime: nodejs20.x',
    '  stage: dev',
    '  region: us-east-1',
    "  websocketsApiRouteSelectionExpression: '$request.body.action'",
    'functions:',
    '  echo:',
    `    handler: ${HANDLER_FILE.replace(/\.mjs$/, '')}.echo`,
    '    events:',
    "      - websocket: { route: '$connect' }",
    "      - websocket: { route: '$disconnect' }",
    "      - websocket: { route: '$default', routeResponseSelectionExpression: '$default' }",
    'plugins:',
    '  - serverless-offline',
    'custom:',
    '  serverless-offline:',
    `    host: ${input.host ?? '127.0.0.1'}`,
    `    websocketPort: ${input.websocketPort}`,
    `    httpPort: ${input.httpPort}`,
    `    lambdaPort: ${input.lambdaPort}`,
    `    useInProcess: ${input.inProcess}`,
    '',
  ].join('\n');
}

/**
 * The handler: accepts every connection, and answers each message with its own body (the echo the
 * other scenarios do; the route response carries it back to the sender).
 */
export function echoHandlerSource(): string {
  return [
    '// Written by bench/src/serverless-offline.ts for a benchmark measurement; removed when it stops.',
    'export const echo = async (event) =>',
    "  event.requestContext.eventType === 'MESSAGE'",
    '    ? { statusCode: 200, body: event.body }',
    '    : { statusCode: 200 };',
    '',
  ].join('\n');
}
