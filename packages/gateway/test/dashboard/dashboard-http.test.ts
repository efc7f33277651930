/**
 * The dashboard's HTTP surface without a browser: the page and assets with their security headers,
 * the overview JSON (figures, per-route counters, integrations without credentials, this node), a
 * connection's details with its groups and recent traffic, the `/?token=` login redirect, and
 * `dashboard.enabled: false`.
 */
import { describe, expect, it } from 'vitest';
import { startTestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway } from '../helpers/gateway.js';

describe('dashboard over HTTP', () => {
  it('serves the page, the overview and a connection with its groups and recent traffic', async () => {
    await using backend = await startTestBackend();
    const routes = routesTo(backend.url);
    await using gateway = await startTestGateway({
      ...routes,
      integrations: { ...routes.integrations, secret: { uri: 'http://user:hunter2@127.0.0.1:9/x' } },
      dashboard: { recentTraffic: 20 },
    });
    const page = await fetch(`${gateway.adminUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('<script src="/dashboard/app.js" defer></script>');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['/dashboard/app.js', '/dashboard/style.css']) {
      const response = await fetch(`${gateway.adminUrl}${asset}`);
      expect(response.status, asset).toBe(200);
      expect(await response.text(), asset).not.toMatch(/https?:\/\/(?!")/);
    }

    await using client = await connectClient(gateway.url('dev'));
    client.send('hi');
    expect(await client.next()).toBe('hi');
    const [connection] = gateway.gateway.registry.values();
    const id = connection?.id ?? '';
    const joined = await fetch(`${gateway.adminUrl}/dev/@groups/room-1/${encodeURIComponent(id)}`, {
      method: 'PUT',
    });
    expect(joined.status).toBe(204);

    const overview = (await (await fetch(`${gateway.adminUrl}/dashboard/api/overview`)).json()) as Record<
      string,
      unknown
    >;
    expect(overview).toMatchObject({
      scope: 'node',
      connections: 1,
      client: { port: gateway.clientPort, tls: false, stages: ['dev'] },
    });
    expect(overview.routes).toContainEqual(
      expect.objectContaining({
        key: '$default',
        integration: 'message',
        twoWay: true,
        messages: 1,
        integrationOk: 1,
      }),
    );
    expect(overview.integrations).toContainEqual(
      expect.objectContaining({ name: 'secret', uris: ['http://127.0.0.1:9/x'] }),
    );
    expect(JSON.stringify(overview)).not.toContain('hunter2');
    expect((overview.cluster as { nodes: { self: boolean; connections: number }[] }).nodes).toEqual([
      expect.objectContaining({ self: true, connections: 1 }),
    ]);
    expect(
      (overview.history as { messagesIn: number }[]).reduce((sum, bucket) => sum + bucket.messagesIn, 0),
    ).toBeGreaterThanOrEqual(1);

    const details = await fetch(`${gateway.adminUrl}/dashboard/api/connections/${encodeURIComponent(id)}`);
    expect(await details.json()).toMatchObject({
      connectionId: id,
      stage: 'dev',
      sourceIp: '127.0.0.1',
      groups: ['room-1'],
      recentTraffic: [
        expect.objectContaining({ direction: 'in', what: '$default' }),
        expect.objectContaining({ direction: 'out', what: 'reply' }),
      ],
    });
    const gone = await fetch(`${gateway.adminUrl}/dashboard/api/connections/nobody`);
    expect(gone.status).toBe(410);
  });

  it('moves a ?token= into an HttpOnly SameSite=Strict cookie and redirects to /', async () => {
    await using gateway = await startTestGateway({
      admin: { auth: { mode: 'bearer', bearerTokens: ['a-token-of-sixteen-chars'] } },
    });
    const login = await fetch(`${gateway.adminUrl}/?token=a-token-of-sixteen-chars`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/');
    expect(login.headers.get('set-cookie')).toBe(
      'switchboard_token=a-token-of-sixteen-chars; Path=/; HttpOnly; SameSite=Strict',
    );
    const withCookie = await fetch(`${gateway.adminUrl}/dashboard/api/overview`, {
      headers: { cookie: 'other=1; switchboard_token=a-token-of-sixteen-chars' },
    });
    expect(withCookie.status).toBe(200);
    const managementWithCookie = await fetch(`${gateway.adminUrl}/dev/@connections`, {
      headers: { cookie: 'switchboard_token=a-token-of-sixteen-chars' },
    });
    expect(managementWithCookie.status).toBe(200);
    // A change with the cookie must come from the admin listener's own origin (SameSite ignores ports).
    const cookie = 'switchboard_token=a-token-of-sixteen-chars';
    const crossOrigin = await fetch(`${gateway.adminUrl}/dev/@broadcast`, {
      method: 'POST',
      body: 'x',
      headers: { cookie, origin: 'http://127.0.0.1:1' },
    });
    expect(crossOrigin.status).toBe(403);
    const noOrigin = await fetch(`${gateway.adminUrl}/dev/@broadcast`, {
      method: 'POST',
      body: 'x',
      headers: { cookie },
    });
    expect(noOrigin.status).toBe(403);
    const sameOrigin = await fetch(`${gateway.adminUrl}/dev/@broadcast`, {
      method: 'POST',
      body: 'x',
      headers: { cookie, origin: gateway.adminUrl },
    });
    expect(sameOrigin.status).toBe(200);
    const without = await fetch(`${gateway.adminUrl}/dashboard/app.js`);
    expect(without.status).toBe(403);
  });

  it('is absent with dashboard.enabled false', async () => {
    await using gateway = await startTestGateway({ dashboard: { enabled: false } });
    expect((await fetch(`${gateway.adminUrl}/`)).status).toBe(403);
    expect((await fetch(`${gateway.adminUrl}/dashboard/api/overview`)).status).toBe(403);
    expect((await fetch(`${gateway.adminUrl}/healthz`)).status).toBe(200);
  });
});
