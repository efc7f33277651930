/**
 * Identifiers in Amazon API Gateway's format: 11 random bytes as base64url with one `=` pad,
 * 16 characters in all (`R1kmxc2VNjMCFIA=`). Used for connection, request and message ids.
 * Random bytes come from a pooled buffer so that an id costs no system call.
 */
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 11;
const POOL_IDS = 512;
const pool = Buffer.allocUnsafe(ID_BYTES * POOL_IDS);
let poolOffset = pool.length;

/** A new id such as `R1kmxc2VNjMCFIA=`. */
export function newId(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const id = pool.toString('base64url', poolOffset, poolOffset + ID_BYTES) + '=';
  poolOffset += ID_BYTES;
  return id;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{15}=$/;

/** True when `value` has the shape of an id made by {@link newId}. */
export function isWellFormedId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** `X-Amzn-Trace-Id` value: `Root=1-{8 hex epoch seconds}-{24 hex random}`. */
export function newTraceId(nowMs: number): string {
  if (poolOffset + 12 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const random = pool.toString('hex', poolOffset, poolOffset + 12);
  poolOffset += 12;
  return `Root=1-${Math.floor(nowMs / 1000).toString(16).padStart(8, '0')}-${random}`;
}
