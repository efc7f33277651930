/**
 * The one configuration schema of the gateway, with every default beside its setting.
 * File, environment and flags are merged into one object and parsed here; `docs/configuration.md`
 * is generated from this file (`npm run docs:generate`), and a test fails when it is stale.
 */
import { z } from 'zod';
import { compileRequestParameters } from '../integrations/request-parameters.js';
import { clusterSchema } from './cluster.js';
import { compileRouteSelection } from '../routing/route-selection.js';
import { accessLogSchema } from './access-log.js';
import { authorizersSchema } from './authorizers.js';
import { managementAuthSchema } from './management-auth.js';
import { metricsSchema, scalerSchema } from './scaling.js';
import { throttlingSchema } from './throttling.js';
import { tlsSchema } from './tls.js';
import { upstreamSchema } from './upstream.js';
import { functionsSchema } from './functions.js';
import { integrationTemplateFields } from './integration-templates.js';
import { modelsSchema } from './models.js';
import { securitySchema } from './security.js';
import { backpressureSchema } from './backpressure.js';
import { dispatchSchema } from './dispatch.js';
import { dashboardSchema } from './dashboard.js';
import { checkIntegrationNames, unknownNameMessage } from './references.js';
import { dynamoDbSchema } from './dynamodb.js';

/** A refinement that reports what `compile` throws as a problem at this setting. */
const compiles =
  <T>(compile: (value: T) => unknown) =>
  (value: T, ctx: z.RefinementCtx): void => {
    try {
      compile(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  };

const port = z.int().min(0).max(65_535);
const durationMs = z.int().min(1);

/**
 * `when` for a cross-field check: run it beside other problems (zod skips a plain refinement once
 * any issue exists) as long as nothing at, above or below the paths it reads failed, so every problem
 * is reported at once. Unknown keys do not count: they never change the values a check reads.
 */
const readsCleanly =
  (...paths: readonly (readonly string[])[]) =>
  (payload: z.core.ParsePayload): boolean =>
    payload.issues.every((issue) => issue.code === 'unrecognized_keys' || !paths.some((path) => overlaps(issue.path ?? [], path)));

/** True when one path is a prefix of the other. */
function overlaps(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  const shared = Math.min(a.length, b.length);
  return a.slice(0, shared).every((segment, i) => segment === b[i]);
}

const listener = (defaultHost: string, defaultPort: number, what: string) =>
  z
    .strictObject({
      host: z.string().min(1).default(defaultHost).describe(`Interface the ${what} listener binds to.`),
      port: port.default(defaultPort).describe(`TCP port of the ${what} listener; 0 picks a free port.`),
    })
    .prefault({});

export const integrationSchema = z.strictObject({
  type: z
    .enum(['HTTP_PROXY', 'HTTP', 'AWS_PROXY', 'MOCK'])
    .default('HTTP_PROXY')
    .describe('Integration type. HTTP_PROXY forwards the raw event to an HTTP backend; HTTP sends the output of a mapping template (docs/templates.md); AWS_PROXY sends the Lambda event to a local function or POSTs it to `uri` (docs/lambda.md); MOCK answers from templates.'),
  uri: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Backend URL the event is sent to (IntegrationUri); required for HTTP_PROXY and HTTP, and for AWS_PROXY without `function`. `{name}` segments are filled from `integration.request.path.name` request parameters.'),
  uris: z
    .array(z.url({ protocol: /^https?$/ }))
    .default([])
    .describe('HTTP_PROXY, HTTP and AWS_PROXY over HTTP: more backend URLs for this integration, used round-robin with `uri`; each differs from `uri` only in scheme, host and port. See docs/backends.md.'),
  upstream: upstreamSchema,
  method: z
    .enum(['POST', 'PUT', 'PATCH', 'GET', 'DELETE'])
    .default('POST')
    .describe('HTTP method (IntegrationMethod).'),
  timeoutMs: z
    .int()
    .min(50)
    .max(600_000)
    .default(29_000)
    .describe('Integration timeout (TimeoutInMillis). AWS allows 50 to 29000; Switchboard allows up to 600000.'),
  requestParameters: z
    .record(z.string(), z.string())
    .default({})
    .superRefine(compiles(compileRequestParameters))
    .describe(
      "AWS RequestParameters: keys `integration.request.header.NAME` or `integration.request.querystring.NAME` or `integration.request.path.NAME`; values `context.X`, `route.request.header.X`, `route.request.querystring.X`, `route.request.body.X`, `stageVariables.X` or a `'static'` literal.",
    ),
  contextHeaders: z
    .boolean()
    .default(true)
    .describe('Send the `x-switchboard-*` context headers (connection id, route key, management URL, …).'),
  batchSize: z
    .int()
    .min(1)
    .max(1_000)
    .default(1)
    .describe('AWS_PROXY with `uri` only: up to this many events that arrive in the same event-loop turn are POSTed together as a JSON array, answered by a JSON array of results in the same order (docs/lambda.md "Event batches"). 1 sends one event per request, as API Gateway does.'),
  batchesInFlight: z
    .int()
    .min(0)
    .max(1_000)
    .default(0)
    .describe('With `batchSize` above 1: at most this many batches sent and not yet answered; while that many are out, a partial batch waits and grows until one is answered (a full one still leaves at once). 0: no limit, a batch leaves at the end of every event-loop turn. A limit trades up to one backend round trip of latency for fewer, larger requests under load.'),
  ...integrationTemplateFields,
}).superRefine((integration, ctx) => {
  if (integration.batchesInFlight > 0 && integration.batchSize === 1)
    ctx.addIssue({ code: 'custom', path: ['batchesInFlight'], message: 'batchesInFlight needs batchSize above 1' });
  const needsUri = integration.type === 'HTTP_PROXY' || integration.type === 'HTTP' || (integration.type === 'AWS_PROXY' && integration.function === undefined);
  if (integration.batchSize > 1 && (integration.type !== 'AWS_PROXY' || integration.function !== undefined))
    ctx.addIssue({ code: 'custom', path: ['batchSize'], message: 'batchSize above 1 needs an AWS_PROXY integration with uri: only a Lambda-style HTTP backend answers a batch with an array of results' });
  if (needsUri && integration.uri === undefined) ctx.addIssue({ code: 'custom', path: ['uri'], message: `Invalid input: expected string, received undefined (a ${integration.type} integration needs uri${integration.type === 'AWS_PROXY' ? ' or function' : ''})` });
});

export const routeSchema = z.strictObject({
  integration: z.string().min(1).describe('Name of the integration (a key of `integrations`) that serves this route.'),
  twoWay: z
    .boolean()
    .default(false)
    .describe("Send the backend's response body back to the client as one frame (AWS: a `$default` route response)."),
  authorizationType: z
    .enum(['NONE', 'CUSTOM', 'JWT', 'AWS_IAM'])
    .default('NONE')
    .describe('`$connect` only: NONE, CUSTOM (a REQUEST authorizer) or JWT, naming the kind of `authorizer`; or AWS_IAM: the upgrade must be SigV4-signed (headers or presigned URL) with one of `admin.auth.accessKeys`.'),
  authorizer: z.string().min(1).optional().describe('`$connect` only: name of the authorizer (a key of `authorizers`) run before the integration.'),
  modelSelectionExpression: z.string().optional().describe('ModelSelectionExpression: picks the key of `requestModels` (`${request.body.x}`, a literal or `\\$default`); default `$default`.'),
  requestModels: z.record(z.string(), z.string()).default({}).describe('RequestModels: model names (keys of `models`) by selection key; a message that fails its model gets the "Bad request body" frame.'),
});

export const configSchema = z
  .strictObject({
    listen: listener('0.0.0.0', 8080, 'client WebSocket').describe('Client WebSocket listener.'),
    admin: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1').describe('Interface the admin listener (management API, health) binds to.'),
        port: port.default(8081).describe('TCP port of the admin listener; 0 picks a free port.'),
        publicUrl: z
          .url({ protocol: /^https?$/ })
          .optional()
          .describe('Base URL backends use to reach the management API; default `http://HOST:PORT` of the admin listener.'),
        auth: managementAuthSchema,
        onClientListener: z.boolean().default(false).describe('Also serve the management API on the client listener, as AWS does (`https://{domainName}/{stage}/@connections`). Requires `admin.auth.mode` `verify` or `bearer`: the client listener faces the internet, and `off` and `any-signature` check no secret.'),
        allowedHosts: z
          .array(z.string().regex(/^(\*|\.?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)$/, 'must be *, a host name such as gateway.internal, or .example.com for its subdomains'))
          .default([])
          .describe(
            'With `admin.auth.mode` `off` or `any-signature` (no secret checked), the host names the management API, groups and dashboard answer to, besides `localhost`, IP addresses, `admin.host` and the host of `admin.publicUrl`: a request naming another `Host` is refused with 403 (SWB_ERR_ADMIN_HOST_NOT_ALLOWED), which stops DNS rebinding from a web page. `.example.com` allows its subdomains; `*` turns the check off.',
          ),
      })
      .prefault({})
      .describe('Admin listener: management API, /healthz and /readyz.'),
    api: z
      .strictObject({
        apiId: z.string().regex(/^[\x21-\x7e]+$/, 'must be visible ASCII without spaces: it is sent in HTTP headers').default('switchboard').describe('API id, sent as `x-amzn-apigateway-api-id` and in the AWS User-Agent.'),
        region: z.string().min(1).default('us-east-1').describe('Region reported in events.'),
        domainName: z.string().min(1).default('localhost').describe('Domain name reported in events and `$context.domainName`.'),
        routeSelectionExpression: z
          .string()
          .min(1)
          .default('$request.body.action')
          .superRefine(compiles(compileRouteSelection))
          .describe('RouteSelectionExpression: `$request.body.x.y`, `${request.body.x}` wrappers and literals.'),
        stages: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/)).min(1).default(['dev']).describe('Stages served at `/{stage}`.'),
        defaultStage: z.string().optional().describe('Stage used for `/`; default the first of `stages`.'),
        stageVariables: z
          .record(z.string(), z.record(z.string(), z.string()))
          .default({})
          .describe('Stage variables by stage, e.g. `{dev: {backend: "localhost"}}`; read by `stageVariables.NAME` request parameters.'),
      })
      .prefault({})
      .describe('API identity and routing.'),
    routes: z
      .record(
        z
          .string()
          .min(1)
          .refine((key) => !key.startsWith('$') || ['$connect', '$disconnect', '$default'].includes(key), {
            error: 'custom route keys must not start with $ (only $connect, $disconnect and $default do)',
          }),
        routeSchema,
      )
      .default({})
      .describe('Routes by route key: `$connect`, `$disconnect`, `$default` or a custom key.'),
    integrations: z.record(z.string().min(1), integrationSchema).default({}).describe('Integrations by name.'),
    authorizers: authorizersSchema,
    functions: functionsSchema,
    dynamodb: dynamoDbSchema,
    models: modelsSchema,
    throttling: throttlingSchema,
    accessLog: accessLogSchema,
    tls: tlsSchema,
    limits: z
      .strictObject({
        maxFrameBytes: z.int().min(0).default(32_768).describe('Largest client frame; a bigger one closes with 1009. 0 turns the check off.'),
        maxMessageBytes: z.int().min(1).default(131_072).describe('Largest reassembled client message; a bigger one closes with 1009.'),
        binary: z.enum(['reject', 'accept']).default('reject').describe('Binary frames: `reject` closes with 1003 (AWS), `accept` forwards them.'),
        maxConnectResponseBytes: z.int().min(0).default(8_192).describe('Largest $connect rejection body relayed to the client.'),
        maxResponseBytes: z.int().min(1).default(131_072).describe('Largest backend response body relayed to a client as a frame.'),
      })
      .prefault({})
      .describe('Size limits.'),
    timeouts: z
      .strictObject({
        idleMs: durationMs.default(600_000).describe('A connection with no data message in either direction for this long closes with 1001.'),
        maxConnectionMs: durationMs.default(7_200_000).describe('A connection older than this closes with 1001.'),
        handshakeMs: durationMs.default(10_000).describe('Time a TCP connection on the client port has, from the moment it is accepted, to send its complete upgrade request (TLS handshake included). Then a silent or slow one gets 408 (SWB_ERR_HANDSHAKE_TIMEOUT) and is closed; a TLS one still in its TLS handshake, or a plain-HTTP keep-alive one, is closed. `$connect` has its own timeout.'),
      })
      .prefault({})
      .describe('Connection timers.'),
    dispatch: dispatchSchema,
    shutdown: z
      .strictObject({
        drainMs: z.int().min(0).default(5_000).describe('After SIGTERM, time during which connected clients keep working before they are closed with 1001.'),
        disconnectFlushMs: z.int().min(0).default(5_000).describe('Longest wait for $disconnect calls to finish before the process exits.'),
      })
      .prefault({})
      .describe('Graceful shutdown.'),
    scaler: scalerSchema,
    metrics: metricsSchema,
    dashboard: dashboardSchema,
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level.'),
        format: z.enum(['auto', 'json', 'pretty']).default('auto').describe('`pretty` is readable; `json` is one object a line; `auto` is pretty on a terminal.'),
      })
      .prefault({})
      .describe('Logging.'),
    cluster: clusterSchema,
    security: securitySchema,
    backpressure: backpressureSchema,
  })
  // Integration names are checked whatever else failed, so that they come with the other problems.
  .superRefine(checkIntegrationNames, { when: () => true })
  .superRefine(
    (config, ctx) => {
      for (const [key, route] of Object.entries(config.routes)) {
        const where = ['routes', key];
        if (key !== '$connect' && (route.authorizer !== undefined || route.authorizationType !== 'NONE')) {
          ctx.addIssue({ code: 'custom', path: [...where, 'authorizer'], message: 'authorization can be set only on $connect (as on AWS)' });
          continue;
        }
        if (route.authorizationType === 'AWS_IAM') {
          if (route.authorizer !== undefined) ctx.addIssue({ code: 'custom', path: [...where, 'authorizer'], message: 'AWS_IAM takes no authorizer' });
          if (Object.keys(config.admin.auth.accessKeys).length === 0) ctx.addIssue({ code: 'custom', path: [...where, 'authorizationType'], message: 'AWS_IAM needs admin.auth.accessKeys' });
          continue;
        }
        if (route.authorizer === undefined) {
          if (route.authorizationType !== 'NONE') ctx.addIssue({ code: 'custom', path: [...where, 'authorizer'], message: `authorizationType ${route.authorizationType} needs an authorizer` });
          continue;
        }
        const authorizer = config.authorizers[route.authorizer];
        if (authorizer === undefined) ctx.addIssue({ code: 'custom', path: [...where, 'authorizer'], message: unknownNameMessage('authorizer', route.authorizer, Object.keys(config.authorizers)) });
        else if (route.authorizationType !== 'NONE' && route.authorizationType !== (authorizer.type === 'JWT' ? 'JWT' : 'CUSTOM')) {
          ctx.addIssue({ code: 'custom', path: [...where, 'authorizationType'], message: `authorizer "${route.authorizer}" is ${authorizer.type}; use authorizationType ${authorizer.type === 'JWT' ? 'JWT' : 'CUSTOM'}` });
        }
      }
    },
    { when: readsCleanly(['routes'], ['authorizers'], ['admin']) },
  )
  .superRefine(
    (config, ctx) => {
      const mode = config.admin.auth.mode;
      if (config.admin.onClientListener && (mode === 'off' || mode === 'any-signature')) {
        ctx.addIssue({
          code: 'custom',
          path: ['admin', 'onClientListener'],
          message: `serving the management API on the client listener requires admin.auth.mode "verify" or "bearer": it is "${mode}", which checks no secret, and the client listener faces the internet`,
        });
      }
    },
    { when: readsCleanly(['admin']) },
  )
  .superRefine(
    (config, ctx) => {
      if (config.api.defaultStage !== undefined && !config.api.stages.includes(config.api.defaultStage)) {
        ctx.addIssue({ code: 'custom', path: ['api', 'defaultStage'], message: `"${config.api.defaultStage}" is not one of api.stages` });
      }
    },
    { when: readsCleanly(['api', 'stages'], ['api', 'defaultStage']) },
  )
  .superRefine(
    (config, ctx) => {
      if (config.limits.maxFrameBytes > config.limits.maxMessageBytes) {
        ctx.addIssue({ code: 'custom', path: ['limits', 'maxFrameBytes'], message: 'must not exceed limits.maxMessageBytes' });
      }
    },
    { when: readsCleanly(['limits', 'maxFrameBytes'], ['limits', 'maxMessageBytes']) },
  );

/** The validated, frozen configuration the gateway runs with. */
export type Config = z.output<typeof configSchema>;
/** What a user may write: every setting optional. */
export type ConfigInput = z.input<typeof configSchema>;
export type IntegrationConfig = z.output<typeof integrationSchema>;
export type RouteConfig = z.output<typeof routeSchema>;
