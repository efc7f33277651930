// Unit tests: group membership per stage, leaving on close, and the group header's parsing.
import { describe, expect, it } from 'vitest';
import { Connection, type HandshakeInfo } from '../connections/connection.js';
import type { ClientSocket } from '../transport/client-socket.js';
import { GroupIndex, parseGroupHeader } from './group-index.js';

const handshake: HandshakeInfo = {
  headers: {},
  rawQuery: '',
  sourceIp: '127.0.0.1',
  userAgent: 'test',
  forwardedFor: '127.0.0.1',
};
const connection = (id: string, stage = 'dev') =>
  new Connection(id, stage, 0, handshake, {} as ClientSocket, 0);

describe('GroupIndex', () => {
  it('keeps members per stage and group, and drops a closed connection from all its groups', () => {
    const groups = new GroupIndex();
    const a = connection('a');
    const b = connection('b');
    const other = connection('c', 'prod');
    groups.join(a, 'room');
    groups.join(a, 'lobby');
    groups.join(b, 'room');
    groups.join(other, 'room');
    expect([...groups.members('dev', 'room')]).toEqual([a, b]);
    expect([...groups.members('prod', 'room')]).toEqual([other]);
    expect(groups.groupsOf(a).sort()).toEqual(['lobby', 'room']);
    groups.leave(b, 'room');
    expect([...groups.members('dev', 'room')]).toEqual([a]);
    groups.leaveAll(a);
    expect([...groups.members('dev', 'room')]).toEqual([]);
    expect([...groups.members('dev', 'lobby')]).toEqual([]);
  });

  it('reads comma-separated group headers and drops invalid names', () => {
    expect(parseGroupHeader('a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(parseGroupHeader(['x', 'y,z'])).toEqual(['x', 'y', 'z']);
    expect(parseGroupHeader('ok, bad name, , ' + 'n'.repeat(129))).toEqual(['ok']);
    expect(parseGroupHeader(undefined)).toEqual([]);
  });
});
