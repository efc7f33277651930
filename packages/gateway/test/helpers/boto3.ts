/**
 * Test helper: Debian's python3 with python3-boto3 (always /usr/bin/python3, never the `python3` on
 * PATH), and whether it can run here. Under CI=true a missing boto3 must fail the test, elsewhere it
 * may skip with the reason.
 */
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';
export const inCi = process.env.CI === 'true';

/** Why boto3 cannot run here, or undefined when it can. */
export function boto3Unavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.error !== undefined) return `${PYTHON} cannot run: ${probe.error.message}`;
  if (probe.status !== 0) return `${PYTHON} cannot import boto3 (install python3-boto3): ${probe.stderr.trim()}`;
  return undefined;
}
