/**
 * Turns a configured origin into the addresses to connect to: an IP literal is itself; a hostname
 * is looked up and every address returned is used (a Kubernetes headless Service), each keeping
 * the hostname as its Host header and TLS server name.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { UpstreamAddress } from './upstream.js';

/** True when the origin's host needs a DNS lookup. */
export function needsResolution(origin: string): boolean {
  const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) === 0;
}

/** The origin unresolved: each new connection looks the host up (net.connect). */
export function unresolved(origin: string): UpstreamAddress {
  return { origin };
}

/** Every address of the origin's hostname, sorted so that repeated lookups compare equal. */
export async function resolveAddresses(origin: string): Promise<UpstreamAddress[]> {
  const url = new URL(origin);
  const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
  const addresses = await lookup(url.hostname, { all: true });
  const unique = [...new Set(addresses.map((a) => (a.family === 6 ? `[${a.address}]` : a.address)))].sort();
  return unique.map((host) => ({
    origin: `${url.protocol}//${host}:${port}`,
    hostHeader: url.host,
    ...(url.protocol === 'https:' ? { servername: url.hostname } : {}),
  }));
}
