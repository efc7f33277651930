/** Unit tests of the context values read from the gateway's headers. */
import { describe, expect, it } from 'vitest';
import { connectionIdOf, headerValue, managementUrlOf } from './backend-event.js';
import { decodeReason } from './disconnect.js';

describe('connectionIdOf', () => {
  it('prefers x-switchboard-connection-id, then the AWS-style connectionId header', () => {
    expect(connectionIdOf({ 'x-switchboard-connection-id': 'swb', connectionid: 'aws' })).toBe('swb');
    expect(connectionIdOf({ connectionid: 'aws' })).toBe('aws');
    expect(connectionIdOf({ 'x-switchboard-connection-id': '', connectionid: 'aws' })).toBe('aws');
    expect(connectionIdOf({})).toBeUndefined();
  });
});

describe('headerValue', () => {
  it('takes the first of repeated values', () => {
    expect(headerValue({ 'set-cookie': ['a', 'b'] }, 'set-cookie')).toBe('a');
  });
});

describe('managementUrlOf', () => {
  it('reads x-switchboard-management-url', () => {
    expect(managementUrlOf({ 'x-switchboard-management-url': 'http://127.0.0.1:8081/dev' })).toBe(
      'http://127.0.0.1:8081/dev',
    );
  });
});

describe('decodeReason', () => {
  it('decodes a URI-encoded reason and keeps a malformed one', () => {
    expect(decodeReason('going%20away')).toBe('going away');
    expect(decodeReason('100%')).toBe('100%');
    expect(decodeReason(undefined)).toBeUndefined();
  });
});
