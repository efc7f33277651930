// Soak: a bounded churn (connect, one message, disconnect, 20 clients in parallel) against a gateway in
// its own process started with --expose-gc. After the run, memory and open file descriptors return to
// the baseline taken after a warm-up, the registry is empty, and no handle (socket, timer) is left.
// CI runs 10 s; SWB_SOAK_SECONDS=300 runs five minutes locally.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const seconds = Number(process.env.SWB_SOAK_SECONDS ?? '10');
const child = fileURLToPath(new URL('./churn-child.mjs', import.meta.url));

interface Measurement {
  readonly label: string;
  readonly cycles: number;
  readonly heapUsed: number;
  readonly rss: number;
  readonly fds: number;
  readonly registry: number;
  readonly handles: Record<string, number>;
}

describe('soak: connection churn', () => {
  it(`returns to baseline after ${seconds} s of churn`, { timeout: seconds * 1000 + 60_000 }, async () => {
    const process_ = spawn(process.execPath, ['--expose-gc', child, String(seconds), '20'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    process_.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => process_.once('exit', resolve));
    expect(code).toBe(0);
    const [baseline, after] = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Measurement);
    if (baseline === undefined || after === undefined) throw new Error(`no measurements: ${output}`);
    expect(after.cycles - baseline.cycles).toBeGreaterThan(seconds * 100); // the churn really ran
    expect(after.registry).toBe(0);
    expect(after.fds).toBeLessThanOrEqual(baseline.fds + 2);
    // Handles back to what the idle gateway holds. Keep-alive connections to the backend may differ by
    // a couple (each is two sockets here: the backend runs in the same process); anything else exactly.
    const { TCPSocketWrap: socketsAfter = 0, Timeout: timersAfter = 0, ...otherAfter } = after.handles;
    const { TCPSocketWrap: socketsBefore = 0, Timeout: timersBefore = 0, ...otherBefore } = baseline.handles;
    expect(socketsAfter).toBeLessThanOrEqual(socketsBefore + 4);
    expect(timersAfter).toBeLessThanOrEqual(timersBefore + 2);
    expect(otherAfter).toEqual(otherBefore);
    // Heap after GC within 5 MB (or 10%) of the baseline, whatever the number of cycles.
    expect(after.heapUsed).toBeLessThanOrEqual(baseline.heapUsed + Math.max(5 * 1024 * 1024, baseline.heapUsed * 0.1));
    console.log(JSON.stringify({ baseline, after }));
    console.log(`soak: ${after.cycles - baseline.cycles} cycles in ${seconds} s; heap ${(baseline.heapUsed / 1e6).toFixed(1)} → ${(after.heapUsed / 1e6).toFixed(1)} MB; fds ${baseline.fds} → ${after.fds}; rss ${(after.rss / 1e6).toFixed(0)} MB`);
  });
});
