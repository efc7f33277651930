/**
 * `security`: the edge's hardening settings: which browser origins may connect, how many connections
 * one IP address may hold, and the explicit opt-in for an unauthenticated admin listener off loopback.
 */
import { z } from 'zod';

export const securitySchema = z
  .strictObject({
    allowedOrigins: z
      .array(z.string().regex(/^(\*|https?:\/\/(\*\.)?[^/\s*]+)$/, 'must be *, or an origin such as https://app.example.com or https://*.example.com'))
      .default([])
      .describe(
        'Origins a browser upgrade may come from (`https://app.example.com`, `https://*.example.com` for subdomains). An upgrade whose `Origin` header is not listed is refused with 403 (SWB_ERR_ORIGIN_NOT_ALLOWED); an upgrade without `Origin` (not a browser) is not checked. Empty (the default) allows every origin.',
      ),
    maxConnectionsPerIp: z
      .int()
      .min(0)
      .default(1_000)
      .describe(
        'TCP connections one client IP address may hold on the client port, counted from the moment each is accepted: WebSockets, upgrades in progress, plain-HTTP keep-alive connections and TLS handshakes alike. One more is answered 429 (SWB_ERR_TOO_MANY_CONNECTIONS) once its request arrives, or closed at once when the address already has 8 such refusals pending. The address is the TCP peer, not X-Forwarded-For: behind a load balancer that hides client addresses, raise this or set 0 (off).',
      ),
    allowUnauthenticatedAdmin: z
      .boolean()
      .default(false)
      .describe(
        'Allow the admin listener (management API) on a non-loopback `admin.host` with `admin.auth.mode` `off` or `any-signature` (neither checks a secret). Without it the gateway refuses to start (SWB_ERR_ADMIN_EXPOSED). Set it only where a network policy keeps the admin port private (as the Kubernetes manifests do).',
      ),
  })
  .prefault({})
  .describe('Hardening of the edge: origins, connections per IP, admin exposure (docs/security.md).');

export type SecurityConfig = z.output<typeof securitySchema>;
