/**
 * Groups and broadcast (Switchboard's addition to the AWS contract): the backend response headers
 * that make a connection join or leave groups, and the answer of a group publish or broadcast.
 */

/** Response headers a backend sets on a `$connect` or message response: comma-separated group names. */
export const groupHeaders = {
  join: 'x-switchboard-join-groups',
  leave: 'x-switchboard-leave-groups',
} as const;

/** The answer of `POST /{stage}/@groups/{name}` and `POST /{stage}/@broadcast`. */
export interface FanOutResponse {
  /** Connections the frame was written to, over every node. */
  connections: number;
  /** Nodes that took part (this one included). */
  nodes: number;
  /** Live nodes that did not answer within `cluster.ownerTimeoutMs`; their members may have missed the frame. */
  unreachableNodes: number;
}
