/**
 * Test helper: a gateway on port 0 (both listeners on 127.0.0.1) built from a partial config,
 * disposed automatically with `await using`.
 */
import pino from 'pino';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { startGateway, type RunningGateway } from '../../src/main.js';

export interface TestGateway extends RunningGateway {
  /** `ws://127.0.0.1:PORT/{stage}`; `stage` "" gives the bare `/`. */
  url(stage?: string, query?: string): string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startTestGateway(input: ConfigInput = {}): Promise<TestGateway> {
  const config = configSchema.parse({
    ...input,
    listen: { host: '127.0.0.1', port: 0, ...input.listen },
    admin: { host: '127.0.0.1', port: 0, ...input.admin },
    shutdown: { drainMs: 0, disconnectFlushMs: 2000, ...input.shutdown },
  });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const running = await startGateway(config, logger);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await running.gateway.close();
  };
  return {
    ...running,
    url(stage = 'dev', query = '') {
      return `ws://127.0.0.1:${running.clientPort}/${stage}${query === '' ? '' : `?${query}`}`;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Routes `$connect`, `$disconnect`, `$default` (two-way) and any extra keys to `backendUrl`. */
export function routesTo(backendUrl: string, extra: Record<string, { path: string; twoWay?: boolean }> = {}): Pick<ConfigInput, 'routes' | 'integrations'> {
  const integrations: NonNullable<ConfigInput['integrations']> = {
    connect: { uri: `${backendUrl}/connect` },
    disconnect: { uri: `${backendUrl}/disconnect` },
    message: { uri: `${backendUrl}/message` },
  };
  const routes: NonNullable<ConfigInput['routes']> = {
    $connect: { integration: 'connect' },
    $disconnect: { integration: 'disconnect' },
    $default: { integration: 'message', twoWay: true },
  };
  for (const [key, { path, twoWay }] of Object.entries(extra)) {
    integrations[key] = { uri: `${backendUrl}${path}` };
    routes[key] = { integration: key, twoWay: twoWay ?? false };
  }
  return { routes, integrations };
}
