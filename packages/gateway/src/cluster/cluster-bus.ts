/**
 * The cluster bus contract: how gateway nodes talk to each other. Point-to-point request/reply to a
 * node's address (management calls for a connection another node holds) and at-most-once fan-out on
 * topics (heartbeats). Adapters: `embedded/` (in-process), `redis/` (pub/sub), `nats/` (request/reply).
 */

/** Names of addresses and topics: letters, digits, `-`, `_` and `.`; adapters add their prefix. */
export const BUS_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,200}$/;

/** Answers one request; the reply travels back to the requester. A throw becomes SWB_ERR_INTERNAL there. */
export type BusResponder = (payload: Buffer) => Promise<Buffer>;
export type BusListener = (payload: Buffer) => void;

export interface BusSubscription {
  /** Stops receiving; safe to call more than once. */
  unsubscribe(): Promise<void>;
}

export interface ClusterBus {
  readonly kind: 'embedded' | 'redis' | 'nats';
  /** True while the bus can carry messages (connected to its broker). */
  readonly available: boolean;
  /** Answers requests sent to `address`; one responder per address across the cluster. */
  serve(address: string, responder: BusResponder): Promise<BusSubscription>;
  /**
   * Sends one request to the responder at `address` and resolves with its reply. Rejects with a
   * GatewayError: SWB_ERR_CONNECTION_GONE when nobody serves the address, SWB_ERR_OWNER_TIMEOUT when
   * no reply came within `timeoutMs`, SWB_ERR_CLUSTER_UNAVAILABLE at once while the bus is down, and
   * SWB_ERR_INTERNAL when the responder threw.
   */
  request(address: string, payload: Buffer, timeoutMs: number): Promise<Buffer>;
  /** Delivers `payload` at most once to every current subscriber of `topic`; rejects SWB_ERR_CLUSTER_UNAVAILABLE while down. */
  publish(topic: string, payload: Buffer): Promise<void>;
  subscribe(topic: string, listener: BusListener): Promise<BusSubscription>;
  /** Calls `listener` each time `available` changes. */
  onAvailability(listener: (available: boolean) => void): void;
  /** Drops every subscription and disconnects. */
  close(): Promise<void>;
}
