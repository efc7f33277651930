/**
 * The harness's load process: `runLoad` of `switchboard bench` (`switchboard/load`, the one load
 * generator) in a closed loop, in its own process so its CPU is never charged to the system under
 * test. It reports JSON lines on stdout (load-report.ts), `window-start` and `window-end` at the
 * instants the measured window opens and closes, so that the runner samples /proc exactly then.
 */
import { parseArgs } from 'node:util';
import { defaultMessage, runLoad, type BenchResult } from 'switchboard/load';
import { encodeLoadEvent, type LoadEvent, type LoadResult } from './load-report.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    'payload-bytes': { type: 'string', default: '64' },
    /** Longest wait for a handshake, and (since the generator is `runLoad`) for a reply. */
    'connect-timeout': { type: 'string', default: '10' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

if (values.url === undefined) {
  process.stderr.write('load-generator: --url is required\n');
  process.exit(2);
}
const url = values.url;

function emit(event: LoadEvent, then?: () => void): void {
  process.stdout.write(encodeLoadEvent(event), then);
}

const NO_LATENCY = { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };

/** `runLoad`'s result in the shape the runner and the reports read. */
function toLoadResult(result: BenchResult): LoadResult {
  const { connections } = result;
  return {
    url: result.url,
    connections: connections.requested,
    connected: connections.opened,
    openAtEnd: connections.openAtEnd,
    payloadBytes: result.payloadBytes,
    warmupSeconds: result.warmupSeconds,
    windowSeconds: result.durationSeconds,
    messages: result.replies,
    msgsPerSecond: result.durationSeconds > 0 ? result.replies / result.durationSeconds : 0,
    latencyMs: result.latencyMs ?? NO_LATENCY,
    unexpectedReplies: result.unexpectedReplies,
    unexpectedSample: result.unexpectedSample ?? null,
    missingReplies: result.missing,
    connectErrors: connections.failed,
    socketErrors: connections.errors,
    unexpectedCloses: connections.closedEarly,
    perConnection: result.repliesPerConnection,
    stalledConnections: result.stalledConnections,
  };
}

async function main(): Promise<void> {
  let announced = false;
  const result = await runLoad(
    {
      url,
      connections: Number(values.connections),
      warmupSeconds: Number(values.warmup),
      durationSeconds: Number(values.duration),
      rate: 0,
      timeoutMs: Number(values['connect-timeout']) * 1000,
      message: Buffer.from(defaultMessage(Number(values['payload-bytes']))),
      onWindow: (edge) => {
        emit({ type: edge === 'start' ? 'window-start' : 'window-end' });
      },
    },
    (progress) => {
      // The last handshake settled: every client is connected or failed.
      if (announced || progress.phase !== 'connecting' || progress.done < progress.total) return;
      announced = true;
      emit({ type: 'connected', connected: progress.done - progress.failed, connectErrors: progress.failed });
    },
  );
  if (result.connections.opened === 0) {
    const reason = result.firstError === undefined ? '' : `: ${result.firstError}`;
    emit({ type: 'fatal', message: `no connection to ${url} succeeded${reason}` }, () => process.exit(1));
    return;
  }
  emit({ type: 'result', result: toLoadResult(result) }, () => process.exit(0));
}

if (values['exit-with-stdin']) {
  // The runner keeps our stdin open; if it dies, the pipe closes and we stop loading its systems.
  process.stdin.on('end', () => process.exit(1));
  process.stdin.resume();
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  emit({ type: 'fatal', message }, () => process.exit(1));
});
