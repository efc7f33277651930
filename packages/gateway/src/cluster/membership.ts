/**
 * Cluster membership by heartbeat: every node publishes `{tag, nodeId, figures}` on the `members`
 * topic each `heartbeatMs`, and counts a peer alive until `leaseMs` passes without one. A node that
 * stops gracefully says so at once. Heartbeats also carry each node's figures (open connections and
 * message rate per stage), so every node knows the cluster's, and a sequence number, so a node knows
 * when each of its own heartbeats that came back over the bus was sent (self-fencing reads it).
 */
import type { Logger } from 'pino';
import type { StageFigures } from '../figures/figures.js';
import type { BusSubscription, ClusterBus } from './cluster-bus.js';
import { instantNow, type Instant } from './self-fence.js';

export const MEMBERS_TOPIC = 'members';

/** What a node reports about itself in each heartbeat: its own figures of every stage. */
export interface NodeFigures {
  readonly stages: readonly StageFigures[];
}

export interface PeerView {
  readonly tag: string;
  readonly nodeId: string;
  /** Epoch ms of the last heartbeat heard (or sent, for this node). */
  readonly lastSeen: number;
  readonly figures: NodeFigures;
}

interface Heartbeat {
  readonly tag: string;
  readonly nodeId: string;
  readonly leaving?: boolean;
  readonly figures: NodeFigures;
  /** Counts this node's heartbeats; absent on `leaving`. */
  readonly seq?: number;
}

/** Heartbeats sent and not yet heard back, at most this many (older ones are forgotten). */
const MAX_UNCONFIRMED = 64;

export interface MembershipOptions {
  readonly tag: string;
  readonly nodeId: string;
  readonly heartbeatMs: number;
  readonly leaseMs: number;
  readonly figures: () => NodeFigures;
  readonly logger: Logger;
  /** Called after each heartbeat heard from a peer. */
  readonly onPeerChange?: () => void;
  /** Called when one of this node's own heartbeats comes back over the bus, with when it was sent. */
  readonly onOwnHeartbeat?: (sent: Instant) => void;
}

interface Peer {
  nodeId: string;
  lastSeen: number;
  figures: NodeFigures;
  left: boolean;
}

export class Membership {
  readonly #bus: ClusterBus;
  readonly #options: MembershipOptions;
  readonly #peers = new Map<string, Peer>();
  #subscription: BusSubscription | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Epoch ms since which the bus has been available without a break; undefined while down. */
  #availableSince: number | undefined;
  #seq = 0;
  /** When each heartbeat not yet heard back was sent, by sequence number. */
  readonly #unconfirmed = new Map<number, Instant>();

  constructor(bus: ClusterBus, options: MembershipOptions) {
    this.#bus = bus;
    this.#options = options;
    this.#availableSince = bus.available ? Date.now() : undefined;
    bus.onAvailability((available) => {
      this.#availableSince = available ? Date.now() : undefined;
      if (available) void this.beat();
    });
  }

  async start(): Promise<void> {
    this.#subscription = await this.#bus.subscribe(MEMBERS_TOPIC, (payload) => {
      this.#receive(payload);
    });
    await this.beat();
    this.#timer = setInterval(() => {
      void this.beat();
      this.#prune();
    }, this.#options.heartbeatMs);
    this.#timer.unref();
  }

  /** Publishes this node's heartbeat now; a bus outage just skips it. */
  beat(leaving = false): Promise<void> {
    const seq = leaving ? undefined : ++this.#seq;
    const heartbeat: Heartbeat = {
      tag: this.#options.tag,
      nodeId: this.#options.nodeId,
      figures: this.#options.figures(),
      ...(leaving ? { leaving } : { seq }),
    };
    if (seq !== undefined) {
      this.#unconfirmed.set(seq, instantNow());
      if (this.#unconfirmed.size > MAX_UNCONFIRMED) this.#unconfirmed.delete(seq - MAX_UNCONFIRMED);
    }
    return this.#bus.publish(MEMBERS_TOPIC, Buffer.from(JSON.stringify(heartbeat))).catch(() => {
      if (seq !== undefined) this.#unconfirmed.delete(seq);
    });
  }

  /** True when `tag`'s last heartbeat is younger than the lease. */
  isAlive(tag: string): boolean {
    const peer = this.#peers.get(tag);
    return peer !== undefined && !peer.left && Date.now() - peer.lastSeen < this.#options.leaseMs;
  }

  /**
   * True when this node can tell for sure that `tag` is gone: it said so, or the bus has been up for
   * a whole lease and no heartbeat came from it in that time.
   */
  isGone(tag: string): boolean {
    const peer = this.#peers.get(tag);
    if (peer?.left === true) return true;
    const since = this.#availableSince;
    if (since === undefined || Date.now() - since < this.#options.leaseMs) return false;
    return peer === undefined || Date.now() - peer.lastSeen >= this.#options.leaseMs;
  }

  /** Live peers, not counting this node. */
  peerTags(): string[] {
    return [...this.#peers.keys()].filter((tag) => tag !== this.#options.tag && this.isAlive(tag));
  }

  /** Every live node, this one included, with its last figures. */
  nodes(): PeerView[] {
    const views: PeerView[] = [];
    for (const [tag, peer] of this.#peers) {
      if (tag === this.#options.tag || !this.isAlive(tag)) continue;
      views.push({ tag, nodeId: peer.nodeId, lastSeen: peer.lastSeen, figures: peer.figures });
    }
    return views;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    // Awaited, so that the bus carries it before it disconnects: peers answer 410 at once.
    await this.beat(true);
    await this.#subscription?.unsubscribe();
  }

  #receive(payload: Buffer): void {
    let heartbeat: Heartbeat;
    try {
      heartbeat = JSON.parse(payload.toString()) as Heartbeat;
    } catch {
      return;
    }
    if (typeof heartbeat.tag !== 'string') return;
    if (heartbeat.tag === this.#options.tag) {
      // Two live nodes drew the same random tag (about 1 in 4 billion per pair): calls for their ids would go astray.
      if (heartbeat.nodeId !== this.#options.nodeId)
        this.#options.logger.error(
          { node: heartbeat.nodeId, tag: heartbeat.tag },
          'another cluster node uses this node’s tag: restart one of them',
        );
      else if (typeof heartbeat.seq === 'number') this.#heardOwn(heartbeat.seq);
      return;
    }
    const now = Date.now();
    const previous = this.#peers.get(heartbeat.tag);
    if (previous === undefined && heartbeat.leaving !== true)
      this.#options.logger.info({ node: heartbeat.nodeId, tag: heartbeat.tag }, 'cluster node joined');
    if (heartbeat.leaving === true)
      this.#options.logger.info({ node: heartbeat.nodeId, tag: heartbeat.tag }, 'cluster node left');
    this.#peers.set(heartbeat.tag, {
      nodeId: heartbeat.nodeId,
      lastSeen: now,
      figures: Array.isArray((heartbeat.figures as Partial<NodeFigures> | undefined)?.stages)
        ? heartbeat.figures
        : { stages: [] },
      left: heartbeat.leaving === true,
    });
    this.#options.onPeerChange?.();
  }

  /** One of this node's heartbeats came back: it and every earlier one are settled. */
  #heardOwn(seq: number): void {
    const sent = this.#unconfirmed.get(seq);
    if (sent === undefined) return;
    for (const pending of this.#unconfirmed.keys()) if (pending <= seq) this.#unconfirmed.delete(pending);
    this.#options.onOwnHeartbeat?.(sent);
  }

  /** Forgets peers silent for 20 leases; an unknown tag then counts as gone as well. */
  #prune(): void {
    const horizon = Date.now() - 20 * this.#options.leaseMs;
    for (const [tag, peer] of this.#peers) if (peer.lastSeen < horizon) this.#peers.delete(tag);
  }
}
