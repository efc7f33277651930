/**
 * Self-fencing. Peers count a node gone (and answer 410 for its connections) once `leaseMs` passes
 * without its heartbeat. A node that has not heard one of its own heartbeats come back over the bus
 * for `fenceAfterMs` (`leaseMs - heartbeatMs`: cut off from the bus, or paused) may soon be counted
 * gone, so it fences itself first: it closes its clients and refuses new ones until a heartbeat
 * comes back. Silence is measured on the monotonic and the wall clock, whichever says more, so a
 * paused process or a frozen machine counts in full. `fencedNow()` also checks, so a message or a
 * push that arrives on resume, before any timer runs, is never served by a node that should fence.
 * @see docs/architecture.md "Self-fencing"
 */
import type { Logger } from 'pino';

/** A moment on both clocks. */
export interface Instant {
  readonly mono: number;
  readonly wall: number;
}

export function instantNow(): Instant {
  return { mono: performance.now(), wall: Date.now() };
}

export interface SelfFenceOptions {
  /** Silence after which the node fences itself: `leaseMs - heartbeatMs`. */
  readonly fenceAfterMs: number;
  readonly logger: Logger;
  /** Closes this node's clients; called each time the node fences itself. */
  readonly onFence: () => void;
}

export class SelfFence {
  readonly #options: SelfFenceOptions;
  /** When the newest heartbeat that came back was sent (start counts as one). */
  #confirmed: Instant = instantNow();
  #fenced = false;
  #fencedAt: Instant | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(options: SelfFenceOptions) {
    this.#options = options;
  }

  /** Starts watching, counting silence from now. */
  start(): void {
    this.#stopped = false;
    this.#confirmed = instantNow();
    this.#schedule();
  }

  /** Stops watching (the node is closing); it never fences after this. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** True while this node is fenced; fences it first when its silence has reached the limit. */
  fencedNow(): boolean {
    if (this.#fenced) return true;
    if (this.#stopped || this.#silentMs() < this.#options.fenceAfterMs) return false;
    this.#fence();
    return true;
  }

  /** A heartbeat this node sent at `sent` came back over the bus. */
  confirm(sent: Instant): void {
    if (this.#stopped) return;
    if (sent.mono > this.#confirmed.mono) this.#confirmed = sent;
    // A heartbeat sent before a pause and read after it is no proof of anything now.
    if (this.#silentMs() >= this.#options.fenceAfterMs) {
      this.fencedNow();
      return;
    }
    if (this.#fenced && this.#fencedAt !== undefined && sent.mono >= this.#fencedAt.mono) {
      this.#fenced = false;
      this.#options.logger.info(
        { fencedForMs: Math.round(elapsedMs(this.#fencedAt)) },
        'cluster: this node hears its heartbeat again: it rejoined and accepts clients',
      );
    }
    if (!this.#fenced) this.#schedule();
  }

  #fence(): void {
    const silentMs = Math.round(this.#silentMs());
    this.#fenced = true;
    this.#fencedAt = instantNow();
    clearTimeout(this.#timer);
    this.#options.logger.warn(
      { code: 'SWB_ERR_NODE_FENCED', silentMs, fenceAfterMs: this.#options.fenceAfterMs },
      'cluster: no heartbeat of this node came back over the bus in time (bus cut off, or the process was paused); peers may count it gone, so it closes its clients (1001) and refuses new ones until it hears itself again',
    );
    this.#options.onFence();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const wait = Math.max(0, this.#options.fenceAfterMs - this.#silentMs()) + 1;
    // Node's timers count from the loop's cached clock, which may lag behind performance.now(), so
    // a timer can fire a little before the silence is due: then it waits again rather than give up.
    this.#timer = setTimeout(() => {
      if (!this.fencedNow() && !this.#stopped) this.#schedule();
    }, wait);
    this.#timer.unref();
  }

  #silentMs(): number {
    return elapsedMs(this.#confirmed);
  }
}

/** Time since `since`, the larger of the two clocks' readings. */
function elapsedMs(since: Instant): number {
  return Math.max(performance.now() - since.mono, Date.now() - since.wall);
}
