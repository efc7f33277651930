/**
 * The API Gateway edge features built from the configuration in one place: the `$connect`
 * authorizer, connection and message throttles, the access log and the management API guard.
 * buildGateway spreads `context` into the GatewayContext and calls `close()` when it stops.
 */
import type { Logger } from 'pino';
import { createAccessLog, type AccessLogSink } from '../access-log/access-log.js';
import { connectAuthorizerFor, type ConnectAuthorizer } from '../auth/connect-authorizer.js';
import type { LambdaRunner } from '../lambda/lambda-runner.js';
import type { Config } from '../config/schema.js';
import type { ApiIdentity } from '../integrations/integration-event.js';
import type { AdminGuard } from '../management/admin-server.js';
import { createManagementGuard } from '../management-auth/management-guard.js';
import { MessageThrottle } from '../throttling/message-throttle.js';
import { ConnectThrottle, connectThrottleSettings } from '../throttling/connect-throttle.js';

export interface EdgeFeatures {
  /** The GatewayContext fields these features fill; undefined ones are off. */
  readonly context: {
    readonly connectAuthorizer?: ConnectAuthorizer;
    readonly connectionThrottle?: ConnectThrottle;
    readonly messageThrottle?: MessageThrottle;
    readonly accessLog?: AccessLogSink;
  };
  /** The `authenticate` guard of management routes; undefined when `admin.auth.mode` is `off`. */
  readonly managementGuard: AdminGuard | undefined;
  /** Stops the authorizer's resources and flushes the access log. */
  close(): Promise<void>;
}

export function createEdgeFeatures(config: Config, api: ApiIdentity, logger: Logger, lambdaRunner: () => LambdaRunner): EdgeFeatures {
  const connectAuthorizer = connectAuthorizerFor(config, { api, stageVariables: config.api.stageVariables, lambdaRunner });
  const { throttling } = config;
  const connectSettings = connectThrottleSettings(throttling);
  const connectionThrottle = connectSettings === undefined ? undefined : new ConnectThrottle(connectSettings);
  const messageThrottle = MessageThrottle.enabled(throttling) ? new MessageThrottle(throttling) : undefined;
  const accessLog = createAccessLog(config.accessLog, api);
  return {
    context: {
      ...(connectAuthorizer === undefined ? {} : { connectAuthorizer }),
      ...(connectionThrottle === undefined ? {} : { connectionThrottle }),
      ...(messageThrottle === undefined ? {} : { messageThrottle }),
      ...(accessLog === undefined ? {} : { accessLog }),
    },
    managementGuard: createManagementGuard(config.admin.auth, { logger }),
    async close() {
      await Promise.all([connectAuthorizer?.close(), accessLog?.close()]);
    },
  };
}
