/**
 * Access logs: one line per `$connect`, message and `$disconnect`, rendered from the configured
 * `$context.*` format and written to stdout, stderr or a file. Besides the event's own context
 * variables it knows `status`, `integrationStatus`, `integration.status`, `integrationLatency`,
 * `integration.latency`, `error.message`, `error.responseType` and `authorizer.*`.
 * @see docs/aws-compatibility.md "Access logs"
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { AccessLogConfig } from '../config/access-log.js';
import {
  contextVariable,
  type ApiIdentity,
  type IntegrationEvent,
} from '../integrations/integration-event.js';
import { AccessLogFormat } from './access-log-format.js';

/** One event's outcome, as the access log reports it. */
export interface AccessLogRecord {
  readonly event: IntegrationEvent;
  /** What the client saw: 200 for a delivered event, else the refusal or error status. */
  readonly status: number;
  /** The integration's HTTP status, when it answered. */
  readonly integrationStatus?: number | undefined;
  /** ms spent in the integration, when it was called. */
  readonly integrationLatency?: number | undefined;
  /** `$context.error.message`, e.g. `Too Many Requests`. */
  readonly errorMessage?: string | undefined;
  /** `$context.error.responseType`, e.g. `THROTTLED`, `UNAUTHORIZED`. */
  readonly errorResponseType?: string | undefined;
}

export interface AccessLogSink {
  write(record: AccessLogRecord): void;
  close(): Promise<void>;
}

/** The sink for `config`, or undefined when no format is set. */
export function createAccessLog(config: AccessLogConfig, api: ApiIdentity): AccessLogSink | undefined {
  if (config.format === undefined) return undefined;
  const format = new AccessLogFormat(config.format);
  const { destination } = config;
  const file: WriteStream | undefined =
    destination === 'stdout' || destination === 'stderr'
      ? undefined
      : createWriteStream(destination, { flags: 'a' });
  const out = file ?? (destination === 'stderr' ? process.stderr : process.stdout);
  return {
    write(record) {
      out.write(`${format.render((name) => resolveVariable(name, record, api))}\n`);
    },
    async close() {
      if (file === undefined) return;
      await new Promise<void>((resolve) => file.end(() => resolve()));
    },
  };
}

/** The value of `$context.NAME` for one access log record. */
export function resolveVariable(name: string, record: AccessLogRecord, api: ApiIdentity): string | undefined {
  switch (name) {
    case 'status':
      return String(record.status);
    case 'integrationStatus':
    case 'integration.status':
    case 'integration.integrationStatus':
      return record.integrationStatus === undefined ? undefined : String(record.integrationStatus);
    case 'integrationLatency':
    case 'integration.latency':
      return record.integrationLatency === undefined
        ? undefined
        : String(Math.round(record.integrationLatency));
    case 'error.message':
    case 'error.messageString':
      return record.errorMessage === undefined
        ? undefined
        : name === 'error.messageString'
          ? JSON.stringify(record.errorMessage)
          : record.errorMessage;
    case 'error.responseType':
      return record.errorResponseType;
    default:
      return contextVariable(name, record.event, api);
  }
}
