/**
 * CLI of the cluster benchmark (`npm run bench:cluster`): same-node against cross-node management
 * pushes and a broadcast fan-out over 3 gateway processes joined by Redis (or NATS); the work is
 * in cluster-part.ts, which the suite (`npm run bench -- --parts cluster`) runs too.
 * Run: `npm run bench:cluster -- [--bus redis|nats] [--seconds 5] [--connections 10000]`.
 */
import { parseArgs } from 'node:util';
import { guardChildren, stopAllChildren } from './child-processes.js';
import { renderClusterTables, runClusterBench } from './cluster-part.js';
import { defaultCliMain } from './scenarios.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bus: { type: 'string', default: 'redis' },
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '32' },
      connections: { type: 'string', default: '10000' },
      broadcasts: { type: 'string', default: '10' },
    },
  });
  guardChildren();
  const result = await runClusterBench({
    cliMain: defaultCliMain,
    bus: values.bus === 'nats' ? 'nats' : 'redis',
    seconds: Number(values.seconds),
    warmupSeconds: 1,
    concurrency: Number(values.concurrency),
    pushClients: 100,
    broadcastConnections: Number(values.connections),
    broadcasts: Number(values.broadcasts),
  });
  process.stdout.write(`${renderClusterTables(result)}\n`);
  await stopAllChildren();
}

main().catch(async (error: unknown) => {
  process.stderr.write(
    `cluster bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  await stopAllChildren();
  process.exit(1);
});
