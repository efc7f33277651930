/**
 * Waiting for a quiet machine before a measurement: other work on the machine would otherwise be
 * measured as part of the system's figures. Shared by the parts of the benchmark suite.
 */
import { machineBusyOver } from './proc-stats.js';

/** Machine-wide busy share under which the machine counts as idle before a measurement. */
export const IDLE_BUSY_PERCENT = 10;

/** Waits until the machine is idle or `maxSeconds` have passed; returns the last busy share seen. */
export async function settle(maxSeconds: number): Promise<number> {
  const deadline = Date.now() + maxSeconds * 1000;
  let busy = await machineBusyOver(1000);
  while (busy >= IDLE_BUSY_PERCENT && Date.now() < deadline) busy = await machineBusyOver(1000);
  return busy;
}

/** Settles for up to `maxSeconds` (0 skips); returns a note when the machine stayed busy. */
export async function settleNote(maxSeconds: number): Promise<string> {
  if (maxSeconds <= 0) return '';
  const busy = await settle(maxSeconds);
  return busy >= IDLE_BUSY_PERCENT ? `(machine still ${busy.toFixed(0)}% busy) ` : '';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
