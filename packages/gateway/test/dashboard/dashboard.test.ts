/**
 * The web dashboard in a real browser (Debian's chromium through playwright-core) against a real
 * gateway and backend: it loads with live figures; a client that connects appears in the list; a
 * message sent from the dashboard arrives; disconnecting removes it; the test console round-trips a
 * message through the gateway; bearer mode needs the `/?token=` cookie. Screenshots are saved in
 * test-artifacts/dashboard/.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { connectClient } from '../helpers/client.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { launchChromium, missingChromium, type LaunchedBrowser } from './chromium.js';

const artifacts = fileURLToPath(new URL('../../../../test-artifacts/dashboard/', import.meta.url));
const TOKEN = 'dashboard-test-token-0123456789';
const skipReason = missingChromium();

describe.skipIf(skipReason !== undefined)(
  `dashboard in chromium${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let browser: LaunchedBrowser | undefined;
    let backend: TestBackend | undefined;

    beforeAll(async () => {
      await mkdir(artifacts, { recursive: true });
      backend = await startTestBackend();
      browser = await launchChromium();
    });

    function backendUrl(): string {
      if (backend === undefined) throw new Error('the test backend did not start');
      return backend.url;
    }

    afterAll(async () => {
      await Promise.all([browser?.close(), backend?.close()]);
    });

    async function openPage(url: string): Promise<Page> {
      if (browser === undefined) throw new Error('chromium did not start');
      const page = await browser.context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(url);
      return page;
    }

    it('shows live figures, lists a client, sends to it, disconnects it, and round-trips the test console', async () => {
      await using gateway: TestGateway = await startTestGateway({ ...routesTo(backendUrl()), dashboard: { recentTraffic: 20 } });
      const page = await openPage(`${gateway.adminUrl}/`);
      try {
        await page.locator('#status', { hasText: 'live' }).waitFor();
        await page.locator('#open-connections', { hasText: '0' }).waitFor();

        await using client = await connectClient(gateway.url('dev'), undefined, {
          headers: { 'user-agent': 'browser-test-client' },
        });
        await page.locator('#open-connections', { hasText: '1' }).waitFor();

        await page.click('button[data-tab="connections"]');
        const row = page.locator('#connection-list tbody tr', { hasText: 'browser-test-client' });
        await row.waitFor();
        const connectionId = (await row.getAttribute('data-connection-id')) ?? '';
        expect(gateway.gateway.registry.get(connectionId)).toBeDefined();

        await page.fill('#search', 'no-such-agent');
        await expect.poll(() => page.locator('#connection-list tbody tr').count()).toBe(0);
        await page.fill('#search', 'browser-test');
        await row.click();
        await page.locator('#details-fields', { hasText: 'browser-test-client' }).waitFor();

        await page.fill('#send-text', 'hello from the dashboard');
        await page.click('#send');
        expect(await client.next()).toBe('hello from the dashboard');
        await page.locator('#action-result', { hasText: 'sent' }).waitFor();
        await page.locator('#details-traffic tbody', { hasText: 'push' }).waitFor();

        await page.fill('#broadcast-text', 'to all');
        await page.click('#broadcast');
        expect(await client.next()).toBe('to all');
        await page.locator('#broadcast-result', { hasText: 'reached 1 connection' }).waitFor();
        await page.screenshot({ path: `${artifacts}connections.png`, fullPage: true });

        await page.click('#disconnect');
        expect((await client.closed).code).toBe(1000);
        await row.waitFor({ state: 'detached' });
        expect(gateway.gateway.registry.size).toBe(0);

        await page.click('button[data-tab="console"]');
        await expect.poll(() => page.inputValue('#console-url')).toBe(gateway.url('dev'));
        await page.click('#console-connect');
        await page.locator('#console-state', { hasText: 'open' }).waitFor();
        await page.fill('#console-text', 'console round trip');
        await page.click('#console-send');
        // The test backend's $default route is two-way and echoes the body.
        await page.locator('#console-log li.in', { hasText: 'console round trip' }).waitFor();
        expect(
          backend?.requests.some(
            (request) =>
              request.path.startsWith('/message') && request.body.toString() === 'console round trip',
          ),
        ).toBe(true);
        await page.screenshot({ path: `${artifacts}console.png`, fullPage: true });

        await page.click('button[data-tab="configuration"]');
        // Per-route counters: the console's message went through $default and its integration once.
        await page.locator('#routes tbody tr', { hasText: /^\$defaultmessageyes11/ }).waitFor();
        await page.locator('#integrations tbody', { hasText: `${backendUrl()}/message` }).waitFor();
        await page.screenshot({ path: `${artifacts}configuration.png`, fullPage: true });
        await page.click('button[data-tab="overview"]');
        await page.screenshot({ path: `${artifacts}overview.png`, fullPage: true });
      } finally {
        await page.close();
      }
    });

    it('in bearer mode, refuses the page without a token and serves it after /?token=', async () => {
      await using gateway: TestGateway = await startTestGateway({
        ...routesTo(backendUrl()),
        admin: { auth: { mode: 'bearer', bearerTokens: [TOKEN] } },
      });
      const refused = await fetch(`${gateway.adminUrl}/`);
      expect(refused.status).toBe(403);
      const wrong = await fetch(`${gateway.adminUrl}/dashboard/api/overview`, {
        headers: { cookie: 'switchboard_token=wrong-token-of-many-chars' },
      });
      expect(wrong.status).toBe(403);

      const page = await openPage(`${gateway.adminUrl}/?token=${TOKEN}`);
      try {
        expect(new URL(page.url()).search).toBe('');
        await page.locator('#status', { hasText: 'live' }).waitFor();
        await using client = await connectClient(gateway.url('dev'));
        await page.click('button[data-tab="connections"]');
        await expect.poll(() => page.locator('#connection-list tbody tr').count()).toBe(1);
        await page.locator('#connection-list tbody tr').click();
        await page.fill('#send-text', 'with the cookie');
        await page.click('#send');
        expect(await client.next()).toBe('with the cookie');
      } finally {
        await page.close();
      }
    });
  },
);
