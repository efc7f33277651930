/**
 * This gateway's place in the cluster: it serves requests for its own connections on the bus at
 * `node.{tag}`, keeps membership by heartbeat, and sends calls for other nodes' connections to their
 * owner (read from the connection id). Local connections never touch the bus. With a self-fence, its
 * own heartbeats heard back keep it from fencing itself.
 * @see docs/architecture.md "Cluster mode"
 */
import type { Logger } from 'pino';
import type { ClusterConfig } from '../config/cluster.js';
import { GatewayError } from '../errors.js';
import type { BusSubscription, ClusterBus } from './cluster-bus.js';
import type { LocalDelivery } from './local-delivery.js';
import { Membership, type NodeFigures, type PeerView } from './membership.js';
import { ownerTagOf } from './node-tag.js';
import type { SelfFence } from './self-fence.js';
import {
  decodeCount,
  decodeReply,
  decodeRequest,
  encodeReply,
  encodeRequest,
  ops,
  replyStatus,
  type OwnerReply,
  type OwnerRequest,
} from './owner-protocol.js';

export interface ClusterNodeOptions {
  readonly config: ClusterConfig;
  readonly bus: ClusterBus;
  readonly tag: string;
  readonly nodeId: string;
  readonly local: LocalDelivery;
  readonly figures: () => NodeFigures;
  readonly logger: Logger;
  /** Called after each heartbeat heard from a peer (cluster figures refresh on it). */
  readonly onPeerChange?: () => void;
  /** Closes this node's clients when its heartbeats stop coming back; undefined: never fences. */
  readonly fence?: SelfFence;
}

/** How a fan-out went: connections reached over all nodes, and nodes that did not answer. */
export interface FanOutResult {
  readonly connections: number;
  readonly nodes: number;
  readonly unreachableNodes: number;
}

export class ClusterNode {
  readonly tag: string;
  readonly nodeId: string;
  readonly bus: ClusterBus;
  readonly membership: Membership;
  readonly #config: ClusterConfig;
  readonly #local: LocalDelivery;
  readonly #logger: Logger;
  readonly #fence: SelfFence | undefined;
  /**
   * True when "nobody serves the address" proves the owner exited: on the embedded and IPC buses,
   * which cannot be partitioned. On Redis and NATS a node cut off from the broker loses its
   * subscriptions too, while its clients stay connected until it fences itself.
   */
  readonly #absenceProvesExit: boolean;
  #serving: BusSubscription | undefined;

  constructor(options: ClusterNodeOptions) {
    this.tag = options.tag;
    this.nodeId = options.nodeId;
    this.bus = options.bus;
    this.#config = options.config;
    this.#local = options.local;
    this.#logger = options.logger;
    this.#fence = options.fence;
    this.#absenceProvesExit = options.bus.kind === 'embedded';
    const fence = options.fence;
    this.membership = new Membership(options.bus, {
      tag: options.tag,
      nodeId: options.nodeId,
      heartbeatMs: options.config.heartbeatMs,
      leaseMs: options.config.leaseMs,
      figures: options.figures,
      logger: options.logger,
      ...(options.onPeerChange === undefined ? {} : { onPeerChange: options.onPeerChange }),
      ...(fence === undefined ? {} : { onOwnHeartbeat: (sent) => fence.confirm(sent) }),
    });
    options.bus.onAvailability((available) => {
      if (available) this.#logger.info({ bus: options.bus.kind }, 'cluster bus reachable again');
      else
        this.#logger.warn(
          { bus: options.bus.kind, code: 'SWB_ERR_CLUSTER_UNAVAILABLE' },
          'cluster bus unreachable: cross-node calls answer 503 until it is back',
        );
    });
  }

  async start(): Promise<void> {
    this.#serving = await this.bus.serve(addressOf(this.tag), async (payload) => {
      const request = decodeRequest(payload);
      if (request === undefined) return encodeReply(replyStatus.badRequest, Buffer.from('malformed request'));
      return this.#local.serve(request);
    });
    this.#fence?.start();
    await this.membership.start();
  }

  /** True when `connectionId` was made by another node (so it is not in the local registry). */
  isRemote(connectionId: string): boolean {
    const tag = ownerTagOf(connectionId);
    return tag !== undefined && tag !== this.tag;
  }

  /**
   * Runs a connection operation on the node that owns `connectionId`. Rejects with a GatewayError:
   * SWB_ERR_CONNECTION_GONE, SWB_ERR_OWNER_TIMEOUT or SWB_ERR_CLUSTER_UNAVAILABLE.
   */
  async call(
    connectionId: string,
    op: OwnerRequest['op'],
    stage: string,
    data: Buffer = Buffer.alloc(0),
    group = '',
  ): Promise<OwnerReply> {
    const tag = ownerTagOf(connectionId);
    if (tag === undefined || tag === this.tag) throw gone(connectionId);
    return this.#ask(tag, { op, stage, name: connectionId, group, data }, () => gone(connectionId));
  }

  /** Sends a group publish or a broadcast to this node and, one bus message each, to every live peer. */
  async fanOut(
    op: typeof ops.group | typeof ops.broadcast,
    stage: string,
    group: string,
    data: Buffer,
  ): Promise<FanOutResult> {
    if (!this.bus.available) throw unavailable();
    const peers = this.membership.peerTags();
    const request: OwnerRequest = { op, stage, name: group, group: '', data };
    const local =
      op === ops.group ? [...this.#local.groups.members(stage, group)] : [...this.#local.ofStage(stage)];
    const results = await Promise.allSettled([
      this.#local.fanOut(local, data),
      ...peers.map(async (tag) => decodeCount((await this.#ask(tag, request, () => gone(tag))).body)),
    ]);
    let connections = 0;
    let unreachableNodes = 0;
    for (const result of results) {
      if (result.status === 'fulfilled') connections += result.value;
      else unreachableNodes++;
    }
    if (unreachableNodes > 0)
      this.#logger.warn({ op, stage, group, unreachableNodes }, 'some cluster nodes did not take a fan-out');
    return { connections, nodes: results.length - unreachableNodes, unreachableNodes };
  }

  /** Live peers with their last reported figures (this node not included). */
  peers(): PeerView[] {
    return this.membership.nodes();
  }

  async close(): Promise<void> {
    this.#fence?.stop();
    await this.membership.close();
    await this.#serving?.unsubscribe();
    await this.bus.close();
  }

  async #ask(tag: string, request: OwnerRequest, goneError: () => GatewayError): Promise<OwnerReply> {
    if (!this.bus.available) throw unavailable();
    if (this.membership.isGone(tag)) throw goneError();
    let bytes: Buffer;
    try {
      bytes = await this.bus.request(addressOf(tag), encodeRequest(request), this.#config.ownerTimeoutMs);
    } catch (error) {
      if (error instanceof GatewayError) {
        if (error.code === 'SWB_ERR_CONNECTION_GONE') {
          // Nobody serves the owner's address. Until membership is sure it is gone (its lease ran out
          // while the bus was up) that is no proof on Redis or NATS: it may be cut off from the broker
          // (it closes its clients before the lease ends) or not resubscribed yet after the bus came back.
          if (!this.#absenceProvesExit && !this.membership.isGone(tag))
            throw new GatewayError(
              'SWB_ERR_CLUSTER_UNAVAILABLE',
              'the cluster node that owns the connection is not on the bus now; its connections count as gone once its lease expires',
              { cause: error },
            );
          throw goneError();
        }
        if (error.code === 'SWB_ERR_OWNER_TIMEOUT' && this.membership.isGone(tag)) throw goneError();
        if (error.code === 'SWB_ERR_OWNER_TIMEOUT') {
          throw new GatewayError(
            'SWB_ERR_OWNER_TIMEOUT',
            `the cluster node that owns the connection did not answer within ${this.#config.ownerTimeoutMs} ms`,
            { cause: error },
          );
        }
      }
      throw error;
    }
    return decodeReply(bytes);
  }
}

export function addressOf(tag: string): string {
  return `node.${tag}`;
}

function gone(what: string): GatewayError {
  return new GatewayError('SWB_ERR_CONNECTION_GONE', `${what} is gone`);
}

function unavailable(): GatewayError {
  return new GatewayError(
    'SWB_ERR_CLUSTER_UNAVAILABLE',
    'the cluster bus is unreachable: cross-node calls fail until it is back',
  );
}
