/** Unit tests of the $connect decisions: the reject status, the subprotocol echo, the reply. */
import { describe, expect, it } from 'vitest';
import type { BackendEvent } from './backend-event.js';
import { firstSubprotocol, handleConnect, rejectStatusOf } from './connect.js';
import { createConsoleLogger } from './logger.js';

const silent = createConsoleLogger({ level: 'silent' });

function event(target: string, headers: BackendEvent['headers'] = {}): BackendEvent {
  const [path = '', query = ''] = target.split('?');
  return { method: 'POST', path, query: new URLSearchParams(query), headers, body: Buffer.alloc(0) };
}

describe('rejectStatusOf', () => {
  it('reads a status from 200 to 599', () => {
    expect(rejectStatusOf(null)).toBeUndefined();
    expect(rejectStatusOf('401')).toBe(401);
    expect(rejectStatusOf('599')).toBe(599);
    expect(rejectStatusOf('204')).toBe(204);
  });

  it('calls anything else invalid', () => {
    for (const value of ['', 'abc', '199', '600', '40', '4010', '-401', '401.0'])
      expect(rejectStatusOf(value)).toBe('invalid');
  });
});

describe('firstSubprotocol', () => {
  it('takes the first non-empty protocol, trimmed', () => {
    expect(firstSubprotocol(undefined)).toBeUndefined();
    expect(firstSubprotocol('chat1,myprotocol')).toBe('chat1');
    expect(firstSubprotocol('  graphql-ws , other')).toBe('graphql-ws');
    expect(firstSubprotocol(' , second')).toBe('second');
    expect(firstSubprotocol(' ,  ')).toBeUndefined();
  });
});

describe('handleConnect', () => {
  it('accepts with 200 and no body', () => {
    expect(handleConnect(event('/connect'), silent)).toEqual({ status: 200, headers: {} });
  });

  it('echoes the first subprotocol offered', () => {
    const reply = handleConnect(event('/connect', { 'sec-websocket-protocol': 'b, a' }), silent);
    expect(reply.headers).toEqual({ 'sec-websocket-protocol': 'b' });
  });

  it('rejects with the status asked for and no subprotocol', () => {
    const reply = handleConnect(event('/connect?reject=403', { 'sec-websocket-protocol': 'b' }), silent);
    expect(reply.status).toBe(403);
    expect(reply.headers?.['sec-websocket-protocol']).toBeUndefined();
    expect(JSON.parse(String(reply.body))).toEqual({
      message: 'rejected by the sample backend (reject=403)',
    });
  });

  it('answers a 2xx reject value as an accept with that status', () => {
    expect(handleConnect(event('/connect?reject=204'), silent).status).toBe(204);
  });
});
