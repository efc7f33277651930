/**
 * The one configuration schema of the gateway, with every default beside its setting.
 * File, environment and flags are merged into one object and parsed here; `docs/configuration.md`
 * is generated from this file (`npm run docs:generate`), and a test fails when it is stale.
 */
import { z } from 'zod';
import { compileRequestParameters } from '../integrations/request-parameters.js';
import { compileRouteSelection } from '../routing/route-selection.js';

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
    .enum(['HTTP_PROXY'])
    .default('HTTP_PROXY')
    .describe('Integration type. HTTP_PROXY forwards the raw event to an HTTP backend.'),
  uri: z
    .url({ protocol: /^https?$/ })
    .describe('Backend URL the event is sent to (IntegrationUri). `{name}` segments are filled from `integration.request.path.name` request parameters.'),
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
});

export const routeSchema = z.strictObject({
  integration: z.string().min(1).describe('Name of the integration (a key of `integrations`) that serves this route.'),
  twoWay: z
    .boolean()
    .default(false)
    .describe("Send the backend's response body back to the client as one frame (AWS: a `$default` route response)."),
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
      })
      .prefault({})
      .describe('Admin listener: management API, /healthz and /readyz.'),
    api: z
      .strictObject({
        apiId: z.string().min(1).default('switchboard').describe('API id, sent as `x-amzn-apigateway-api-id` and in the AWS User-Agent.'),
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
        handshakeMs: durationMs.default(10_000).describe('An upgrade request whose headers do not complete within this time is dropped.'),
      })
      .prefault({})
      .describe('Connection timers.'),
    dispatch: z
      .strictObject({
        concurrency: z.int().min(1).default(1).describe("Messages of one connection in flight to the backend at once; 1 keeps the client's replies in order."),
        maxQueued: z.int().min(1).default(64).describe('Messages queued per connection before the gateway stops reading from that socket (lossless backpressure).'),
      })
      .prefault({})
      .describe('Message dispatch to backends.'),
    shutdown: z
      .strictObject({
        drainMs: z.int().min(0).default(5_000).describe('After SIGTERM, time during which connected clients keep working before they are closed with 1001.'),
        disconnectFlushMs: z.int().min(0).default(5_000).describe('Longest wait for $disconnect calls to finish before the process exits.'),
      })
      .prefault({})
      .describe('Graceful shutdown.'),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level.'),
        format: z.enum(['auto', 'json', 'pretty']).default('auto').describe('`pretty` is readable; `json` is one object a line; `auto` is pretty on a terminal.'),
      })
      .prefault({})
      .describe('Logging.'),
  })
  .superRefine(
    (config, ctx) => {
      for (const [key, route] of Object.entries(config.routes)) {
        if (!Object.hasOwn(config.integrations, route.integration)) {
          ctx.addIssue({ code: 'custom', path: ['routes', key, 'integration'], message: `unknown integration "${route.integration}"` });
        }
      }
    },
    { when: readsCleanly(['routes'], ['integrations']) },
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
