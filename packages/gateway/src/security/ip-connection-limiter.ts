/**
 * Counts the connections (open ones and upgrades in progress) of each client IP address, so that one
 * address cannot hold more than `security.maxConnectionsPerIp`. A cap of 0 turns it off.
 */

export class IpConnectionLimiter {
  readonly #max: number;
  readonly #counts = new Map<string, number>();

  constructor(maxPerIp: number) {
    this.#max = maxPerIp === 0 ? Number.POSITIVE_INFINITY : maxPerIp;
  }

  /** Takes one slot for `ip`; false (and nothing taken) when the address is at the cap. */
  tryAcquire(ip: string): boolean {
    const count = this.#counts.get(ip) ?? 0;
    if (count >= this.#max) return false;
    this.#counts.set(ip, count + 1);
    return true;
  }

  /** Gives back a slot taken by `tryAcquire`. */
  release(ip: string): void {
    const count = this.#counts.get(ip) ?? 0;
    if (count <= 1) this.#counts.delete(ip);
    else this.#counts.set(ip, count - 1);
  }

  /** Slots held by `ip`. */
  count(ip: string): number {
    return this.#counts.get(ip) ?? 0;
  }

  /** Addresses that hold at least one slot (0 once every connection closed). */
  get addresses(): number {
    return this.#counts.size;
  }
}
