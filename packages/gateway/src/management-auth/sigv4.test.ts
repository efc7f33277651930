// Unit tests of SigV4 verification pieces: header parsing, the double-encoded canonical URI of
// aws-websocket-api.md 3.5, the canonical query, and a signature computed from AWS's documented key derivation.
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  expectedSignature,
  parseAmzDate,
  parseSigV4Authorization,
  sha256Hex,
} from './sigv4.js';

describe('SigV4 pieces', () => {
  it('double-encodes the raw path as 3.5 describes', () => {
    expect(canonicalUri('/prod/@connections/R1kmxc2VNjMCFIA%3D')).toBe(
      '/prod/%40connections/R1kmxc2VNjMCFIA%253D',
    );
    expect(canonicalUri('/prod/%40connections/a')).toBe('/prod/%2540connections/a');
    expect(canonicalUri('/a//./b/../c')).toBe('/a/c');
    expect(canonicalUri("/x/it's(1)*")).toBe('/x/it%27s%281%29%2A');
  });

  it('sorts and re-encodes the query', () => {
    expect(canonicalQuery('b=2&a=1&a=0&c')).toBe('a=0&a=1&b=2&c=');
    expect(canonicalQuery('')).toBe('');
  });

  it('parses the Authorization header and x-amz-date', () => {
    const auth = parseSigV4Authorization(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
    expect(auth).toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20150830',
      region: 'us-east-1',
      service: 'execute-api',
      signedHeaders: ['host', 'x-amz-date'],
    });
    expect(parseSigV4Authorization('Bearer x')).toBeUndefined();
    expect(parseAmzDate('20150830T123600Z')).toBe(Date.UTC(2015, 7, 30, 12, 36, 0));
    expect(parseAmzDate('2015-08-30')).toBeUndefined();
  });

  it("reproduces AWS's get-vanilla test vector (service, region and key of the SigV4 test suite)", () => {
    // From the AWS SigV4 test suite: GET / with host and x-amz-date signed, service "service".
    const canonical = canonicalRequest({
      method: 'GET',
      rawPath: '/',
      rawQuery: '',
      headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
      signedHeaders: ['host', 'x-amz-date'],
      payloadHash: sha256Hex(''),
    });
    expect(canonical).toBe(
      'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const auth = {
      accessKeyId: 'AKIDEXAMPLE',
      date: '20150830',
      region: 'us-east-1',
      service: 'service',
      signedHeaders: ['host', 'x-amz-date'],
      signature: '',
    };
    expect(
      expectedSignature(
        'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        auth,
        '20150830T123600Z',
        canonical ?? '',
      ),
    ).toBe('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });
});
