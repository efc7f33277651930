// Unit tests of the hardening pieces: loopback detection and the admin exposure check, the Origin
// allow-list, the per-IP connection counter, and the admin listener's Host and Origin checks.
import { describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../config/schema.js';
import { hasCode } from '../errors.js';
import { AdminHostPolicy, hostNameOf, sameOrigin } from './admin-browser-guard.js';
import { managementHosts } from '../lambda/management-redirect-source.js';
import { assertAdminNotExposed, isLoopbackHost } from './admin-exposure.js';
import { IpConnectionLimiter } from './ip-connection-limiter.js';
import { OriginPolicy } from './origin-policy.js';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.5', '192.168.1.1', 'example.com', 'localhost.evil.com', '128.0.0.1', '::ffff:10.0.0.1', ''])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('assertAdminNotExposed', () => {
  const check = (input: ConfigInput) => () => {
    assertAdminNotExposed(configSchema.parse(input));
  };

  it('refuses a non-loopback admin listener without authentication, saying why', () => {
    for (const mode of ['off', 'any-signature'] as const) {
      let thrown: unknown;
      try {
        check({ admin: { host: '0.0.0.0', auth: { mode } } })();
      } catch (error) {
        thrown = error;
      }
      expect(hasCode(thrown, 'SWB_ERR_ADMIN_EXPOSED')).toBe(true);
      expect((thrown as Error).message).toContain('admin.host is 0.0.0.0');
      expect((thrown as Error).message).toContain('security.allowUnauthenticatedAdmin');
    }
  });

  it('allows loopback, authentication (verify, bearer) or the explicit opt-in', () => {
    expect(check({ admin: { host: '127.0.0.1' } })).not.toThrow();
    expect(check({ admin: { host: '::1' } })).not.toThrow();
    expect(check({ admin: { host: '0.0.0.0', auth: { mode: 'bearer', bearerTokens: ['0123456789abcdef'] } } })).not.toThrow();
    expect(check({ admin: { host: '0.0.0.0', auth: { mode: 'verify', accessKeys: { AKID: 'secret' } } } })).not.toThrow();
    expect(check({ admin: { host: '10.0.0.5' }, security: { allowUnauthenticatedAdmin: true } })).not.toThrow();
  });
});

describe('OriginPolicy', () => {
  it('allows everything when the list is empty or has *', () => {
    expect(new OriginPolicy([]).allows('https://anything.example')).toBe(true);
    expect(new OriginPolicy(['*']).allows('null')).toBe(true);
  });

  it('matches exact origins case-insensitively and wildcard subdomains only', () => {
    const policy = new OriginPolicy(['https://app.example.com', 'https://*.example.org']);
    expect(policy.allows(undefined)).toBe(true);
    expect(policy.allows('https://APP.example.com')).toBe(true);
    expect(policy.allows('https://a.b.example.org')).toBe(true);
    expect(policy.allows('https://example.org')).toBe(false);
    expect(policy.allows('https://.example.org')).toBe(false);
    expect(policy.allows('https://evil.com/.example.org')).toBe(false);
    expect(policy.allows('http://a.example.org')).toBe(false);
    expect(policy.allows('https://app.example.com:8443')).toBe(false);
    expect(policy.allows('null')).toBe(false);
  });

  it('is validated by the schema', () => {
    expect(configSchema.safeParse({ security: { allowedOrigins: ['app.example.com'] } }).success).toBe(false);
    expect(configSchema.safeParse({ security: { allowedOrigins: ['https://*.*.com'] } }).success).toBe(false);
    expect(configSchema.safeParse({ security: { allowedOrigins: ['https://*.example.com', 'http://localhost:3000'] } }).success).toBe(true);
  });
});

describe('IpConnectionLimiter', () => {
  it('caps each address on its own and forgets an address once it holds nothing', () => {
    const limiter = new IpConnectionLimiter(2);
    expect(limiter.tryAcquire('a')).toBe(true);
    expect(limiter.tryAcquire('a')).toBe(true);
    expect(limiter.tryAcquire('a')).toBe(false);
    expect(limiter.tryAcquire('b')).toBe(true);
    limiter.release('a');
    expect(limiter.tryAcquire('a')).toBe(true);
    limiter.release('a');
    limiter.release('a');
    limiter.release('b');
    expect(limiter.addresses).toBe(0);
  });

  it('is off with 0', () => {
    const limiter = new IpConnectionLimiter(0);
    for (let i = 0; i < 10_000; i++) expect(limiter.tryAcquire('a')).toBe(true);
    expect(limiter.count('a')).toBe(10_000);
  });
});

describe('security and backpressure settings', () => {
  it('reports wrong types, unknown keys and the high-water mark above the hard limit, each with its path', () => {
    const result = configSchema.safeParse({
      security: { maxConnectionsPerIp: 'many', allowedOrigin: [] },
      backpressure: { highWaterBytes: 2_000_000, maxBufferedBytes: 1_000_000 },
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')) ?? [];
    expect(paths).toContain('security.maxConnectionsPerIp');
    expect(paths).toContain('security');
    expect(result.error?.issues.find((issue) => issue.path.join('.') === 'security')?.message).toContain('allowedOrigin');
    expect(paths).toContain('backpressure.highWaterBytes');
  });
});

describe('admin listener Host and Origin checks', () => {
  it('reads the host name of a Host header', () => {
    expect(hostNameOf('127.0.0.1:8081')).toBe('127.0.0.1');
    expect(hostNameOf('[::1]:8081')).toBe('::1');
    expect(hostNameOf('LocalHost.')).toBe('localhost');
    expect(hostNameOf('gateway.internal:80')).toBe('gateway.internal');
  });

  it('allows loopback names, any IP address, admin.host, the publicUrl host and admin.allowedHosts', () => {
    const admin = configSchema.parse({ admin: { host: 'admin.lan', publicUrl: 'http://switchboard-admin:8081', allowedHosts: ['gateway.internal', '.svc.cluster.local'] } }).admin;
    const policy = new AdminHostPolicy(admin);
    for (const host of [undefined, 'localhost:8081', 'app.localhost', '127.0.0.1:1', '10.1.2.3', '[::1]:8081', '[fe80::1]', 'admin.lan:8081', 'switchboard-admin:8081', 'gateway.internal', 'gw.ns.svc.cluster.local:8081'])
      expect(policy.allows(host), String(host)).toBe(true);
    for (const host of ['evil.example', 'evil.example:8081', 'localhost.evil.example', 'svc.cluster.local', 'gateway.internal.evil.example', 'admin.lan.evil.example', ''])
      expect(policy.allows(host), host).toBe(false);
    expect(new AdminHostPolicy({ ...admin, allowedHosts: ['*'] }).allows('anything.example')).toBe(true);
  });

  it("allows the API's own management names, which local Lambda handlers' redirected SDK calls keep as Host", () => {
    const config = configSchema.parse({ api: { apiId: 'abc123', region: 'eu-west-1', domainName: 'chat.example.com' } });
    const policy = new AdminHostPolicy(config.admin, managementHosts(config.api));
    expect(policy.allows('abc123.execute-api.eu-west-1.amazonaws.com')).toBe(true);
    expect(policy.allows('chat.example.com')).toBe(true);
    expect(policy.allows('other.execute-api.eu-west-1.amazonaws.com')).toBe(false);
    expect(new AdminHostPolicy(config.admin).allows('abc123.execute-api.eu-west-1.amazonaws.com')).toBe(false);
  });

  it('accepts no Origin or the listener itself, nothing else', () => {
    expect(sameOrigin(undefined, '127.0.0.1:8081', 'http')).toBe(true);
    expect(sameOrigin('http://127.0.0.1:8081', '127.0.0.1:8081', 'http')).toBe(true);
    expect(sameOrigin('HTTP://LOCALHOST:8081', 'localhost:8081', 'http')).toBe(true);
    expect(sameOrigin('https://127.0.0.1:8081', '127.0.0.1:8081', 'https')).toBe(true);
    expect(sameOrigin('http://127.0.0.1:8081', '127.0.0.1:8081', 'https')).toBe(false);
    expect(sameOrigin('http://localhost:3000', 'localhost:8081', 'http')).toBe(false);
    expect(sameOrigin('https://evil.example', '127.0.0.1:8081', 'http')).toBe(false);
    expect(sameOrigin('null', '127.0.0.1:8081', 'http')).toBe(false);
    expect(sameOrigin('http://127.0.0.1:8081', undefined, 'http')).toBe(false);
  });

  it('validates admin.allowedHosts', () => {
    const result = configSchema.safeParse({ admin: { allowedHosts: ['http://x.example', 'a b', 'ok.example', '.example.org', '*'] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['admin.allowedHosts.0', 'admin.allowedHosts.1']);
    expect(result.error?.issues[0]?.message).toContain('must be *, a host name');
  });
});
