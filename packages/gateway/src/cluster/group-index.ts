/**
 * Named groups of one node's connections (beyond AWS): which local connections joined which group of
 * their stage. A connection leaves all its groups when it closes. Group publishes reach members on
 * every node because each node looks up only its own members.
 */
import { groupHeaders } from '@switchboard/protocol';
import type { Connection } from '../connections/connection.js';

/** Longest group name, and the characters it may use. */
export const GROUP_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

export class GroupIndex {
  readonly #members = new Map<string, Set<Connection>>();
  readonly #groupsOf = new WeakMap<Connection, Set<string>>();

  join(connection: Connection, group: string): void {
    const key = keyOf(connection.stage, group);
    let members = this.#members.get(key);
    if (members === undefined) this.#members.set(key, (members = new Set()));
    members.add(connection);
    let groups = this.#groupsOf.get(connection);
    if (groups === undefined) this.#groupsOf.set(connection, (groups = new Set()));
    groups.add(key);
  }

  leave(connection: Connection, group: string): void {
    const key = keyOf(connection.stage, group);
    this.#remove(connection, key);
    this.#groupsOf.get(connection)?.delete(key);
  }

  /** Removes a closed connection from every group it joined. */
  leaveAll(connection: Connection): void {
    const groups = this.#groupsOf.get(connection);
    if (groups === undefined) return;
    for (const key of groups) this.#remove(connection, key);
    this.#groupsOf.delete(connection);
  }

  /** Local members of `group` in `stage`. */
  members(stage: string, group: string): Iterable<Connection> {
    return this.#members.get(keyOf(stage, group)) ?? [];
  }

  /** The groups a connection is in, by name. */
  groupsOf(connection: Connection): string[] {
    const prefix = `${connection.stage}\u0000`;
    return [...(this.#groupsOf.get(connection) ?? [])].map((key) => key.slice(prefix.length));
  }

  #remove(connection: Connection, key: string): void {
    const members = this.#members.get(key);
    if (members === undefined) return;
    members.delete(connection);
    if (members.size === 0) this.#members.delete(key);
  }
}

function keyOf(stage: string, group: string): string {
  return `${stage}\u0000${group}`;
}

/** Group names from a comma-separated header value; invalid names are dropped. */
export function parseGroupHeader(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined
    .split(',')
    .map((name) => name.trim())
    .filter((name) => GROUP_NAME_PATTERN.test(name));
}

/** Joins, then leaves, the groups a backend response names in its group headers. */
export function applyGroupHeaders(
  groups: GroupIndex,
  connection: Connection,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): void {
  const join = headers[groupHeaders.join];
  const leave = headers[groupHeaders.leave];
  if (join === undefined && leave === undefined) return;
  if (connection.closed !== undefined) return;
  for (const group of parseGroupHeader(join)) groups.join(connection, group);
  for (const group of parseGroupHeader(leave)) groups.leave(connection, group);
}
