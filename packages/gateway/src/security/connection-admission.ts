/**
 * Per-IP admission of every TCP connection on the client listener, from the moment it is accepted
 * (before a byte is read, before TLS): it takes one of its address's `security.maxConnectionsPerIp`
 * slots and gives it back when the socket closes, whatever it turned out to be (a WebSocket, an
 * upgrade in `$connect`, plain HTTP keep-alive, a TLS handshake that never completes, or silence).
 * A connection over the cap takes one of REFUSAL_BACKLOG extra slots instead, only to be answered 429
 * (SWB_ERR_TOO_MANY_CONNECTIONS) once its request arrives; beyond those it is closed at once. So one
 * address never holds more than cap + REFUSAL_BACKLOG file descriptors.
 * @see docs/security.md "Connections per IP"
 */
import type { Socket } from 'node:net';
import { IpConnectionLimiter } from './ip-connection-limiter.js';

/** Sockets over the cap that one address may keep open while they wait for their 429. */
export const REFUSAL_BACKLOG = 8;

const HELD = Symbol('switchboard.ipSlot');

/** The slot a socket holds, kept on the socket so that one shared close listener gives it back. */
interface HeldSlot {
  readonly limiter: IpConnectionLimiter;
  readonly ip: string;
  readonly overCap: boolean;
}

type AdmittedSocket = Socket & { [HELD]?: HeldSlot | undefined };

/** Gives the slot back, once: `close` is emitted once per socket, and the slot is cleared. */
function releaseSlot(this: AdmittedSocket): void {
  const held = this[HELD];
  if (held === undefined) return;
  this[HELD] = undefined;
  held.limiter.release(held.ip);
}

/** `over-cap`: kept only to be answered 429. `refused`: closed at once, the refusal backlog being full. `gone`: reset before it could be counted. */
export type Admission = 'admitted' | 'over-cap' | 'refused' | 'gone';

export class ConnectionAdmission {
  /** Slots held per address by admitted connections (0 addresses once every connection closed). */
  readonly slots: IpConnectionLimiter;
  /** Slots held per address by connections over the cap, waiting to be answered 429. */
  readonly refusals = new IpConnectionLimiter(REFUSAL_BACKLOG);
  readonly #capped: boolean;

  /** `maxPerIp` 0 turns the cap off (connections are still counted). */
  constructor(maxPerIp: number) {
    this.slots = new IpConnectionLimiter(maxPerIp);
    this.#capped = maxPerIp > 0;
  }

  /** Takes a slot for a socket just accepted; a socket `refused` or `gone` has been destroyed. */
  admit(socket: Socket): Admission {
    const ip = socket.remoteAddress;
    if (ip === undefined || socket.destroyed) {
      socket.destroy();
      return 'gone';
    }
    let held: HeldSlot;
    if (this.slots.tryAcquire(ip)) held = { limiter: this.slots, ip, overCap: false };
    else if (this.#capped && this.refusals.tryAcquire(ip)) held = { limiter: this.refusals, ip, overCap: true };
    else {
      socket.destroy();
      return 'refused';
    }
    (socket as AdmittedSocket)[HELD] = held;
    // `on`, not `once`: no wrapper per socket; releaseSlot clears the slot, so it acts once.
    socket.on('close', releaseSlot);
    return held.overCap ? 'over-cap' : 'admitted';
  }

  /** True when the accepted TCP socket `tcp` came over its address's cap: its request gets 429. */
  isOverCap(tcp: Socket): boolean {
    return (tcp as AdmittedSocket)[HELD]?.overCap === true;
  }
}
