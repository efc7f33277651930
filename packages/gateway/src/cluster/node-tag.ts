/**
 * Ownership encoded in the connection id: a node picks a random 32-bit tag when it starts, and every
 * connection id it makes begins with that tag. The id keeps AWS's shape (11 bytes as base64url plus
 * `=`, 16 characters); the other 7 bytes are random. Any node reads the owner from the id alone.
 * @see docs/architecture.md "Cluster mode"
 */
import { randomBytes, randomFillSync } from 'node:crypto';

const ID_BYTES = 11;
const TAG_BYTES = 4;
const POOL_IDS = 512;

/** A node tag as 8 lower-case hex digits, fresh for every process start. */
export function newNodeTag(): string {
  return randomBytes(TAG_BYTES).toString('hex');
}

/** Makes connection ids that carry one node's tag. */
export class TaggedIds {
  readonly tag: string;
  readonly #pool = Buffer.allocUnsafe(ID_BYTES * POOL_IDS);
  #offset = this.#pool.length;
  readonly #tagBytes: Buffer;

  constructor(tag: string) {
    this.tag = tag;
    this.#tagBytes = Buffer.from(tag, 'hex');
  }

  /** A new connection id such as `q2TmZx1kO6Gv3hA=` whose first 4 bytes are this node's tag. */
  next(): string {
    if (this.#offset === this.#pool.length) {
      randomFillSync(this.#pool);
      for (let at = 0; at < this.#pool.length; at += ID_BYTES) this.#tagBytes.copy(this.#pool, at);
      this.#offset = 0;
    }
    const id = this.#pool.toString('base64url', this.#offset, this.#offset + ID_BYTES) + '=';
    this.#offset += ID_BYTES;
    return id;
  }
}

const ID_PATTERN = /^[A-Za-z0-9_-]{15}=$/;

/** The tag of the node that made `connectionId`, or undefined when it is not a well-formed id. */
export function ownerTagOf(connectionId: string): string | undefined {
  if (!ID_PATTERN.test(connectionId)) return undefined;
  return Buffer.from(connectionId.slice(0, 15), 'base64url').toString('hex', 0, TAG_BYTES);
}
