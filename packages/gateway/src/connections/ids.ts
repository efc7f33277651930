/**
 * Identifiers in Amazon API Gateway's format: 11 random bytes as base64url with one `=` pad,
 * 16 characters in all (`R1kmxc2VNjMCFIA=`). Used for connection, request and message ids, and
 * X-Ray-shaped trace ids. Random bytes come from a pooled buffer so that an id costs no system call.
 */
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 11;
const TRACE_RANDOM_BYTES = 12;
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolOffset = pool.length;

/**
 * The offset in the pool of `count` random bytes no caller has had before. Each kind of id takes
 * its own number of bytes, so the pool is refilled whenever fewer than `count` are left, never on an
 * exact multiple.
 */
function takeRandomBytes(count: number): number {
  if (poolOffset + count > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const offset = poolOffset;
  poolOffset += count;
  return offset;
}

/** A new id such as `R1kmxc2VNjMCFIA=`. */
export function newId(): string {
  const offset = takeRandomBytes(ID_BYTES);
  return pool.toString('base64url', offset, offset + ID_BYTES) + '=';
}

const ID_PATTERN = /^[A-Za-z0-9_-]{15}=$/;

/** True when `value` has the shape of an id made by {@link newId}. */
export function isWellFormedId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** `X-Amzn-Trace-Id` value: `Root=1-{8 hex epoch seconds}-{24 hex random}`. */
export function newTraceId(nowMs: number): string {
  const offset = takeRandomBytes(TRACE_RANDOM_BYTES);
  const random = pool.toString('hex', offset, offset + TRACE_RANDOM_BYTES);
  return `Root=1-${Math.floor(nowMs / 1000).toString(16).padStart(8, '0')}-${random}`;
}
