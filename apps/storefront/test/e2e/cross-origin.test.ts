import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, eventually, launchBrowser, openWindow, signIn, takePageErrors } from './browser.js';
import { ensureBuilt } from './build.js';
import { buy, payWith } from './flows.js';
import { startTestServer, type TestServer } from './server.js';
import { type StorefrontHost, startStorefrontHost } from './storefront-host.js';

/**
 * Issue 18 (CORS for a headless API): the storefront served from one origin works against the API on another, with
 * the storefront's origin in the API's STORE_CORS. The same build served from an origin the API does not list gets
 * nothing from it.
 */
describeInBrowser('a storefront on another origin', () => {
  let api: TestServer;
  let allowed: StorefrontHost;
  let stranger: StorefrontHost;
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    allowed = await startStorefrontHost();
    stranger = await startStorefrontHost();
    api = await startTestServer({ STORE_CORS: allowed.origin, PAYMENT_WINDOW_SECONDS: '300' });
    allowed.useApi(api.url);
    stranger.useApi(api.url);
    browser = await launchBrowser();
  }, 120_000);

  afterEach(() => {
    expect(takePageErrors()).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await allowed?.stop();
    await stranger?.stop();
  });

  it('lists, signs in, buys with live progress and pays against the API across origins', async () => {
    const { context, page } = await openWindow(browser, allowed.origin);
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${api.url}/api/`)) apiCalls.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
    try {
      await page.goto('/');
      await eventually(() => page.getByTestId('product-card').count()).toBeGreaterThanOrEqual(4);
      await signIn(page, api.shopper.email, api.shopper.password);
      await buy(page, 'Enamel Pin Set', 1);
      // The order page on the storefront's origin; its live stream is an EventSource on the API's.
      expect(new URL(page.url()).origin).toBe(allowed.origin);
      await eventually(() => page.getByTestId('live-state').getAttribute('data-state')).toBe('open');
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status')).toBe('PAYMENT_PENDING');
      await payWith(page, '4242424242424242');
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status'), 30_000).toBe('CONFIRMED');
      expect(apiCalls).toEqual(expect.arrayContaining(['GET /api/products', 'POST /api/auth/login', 'POST /api/orders', 'POST /api/payments/process']));
      // A reload keeps the session: the refresh cookie is the API's, sent on the credentialed /api/auth calls only.
      await page.reload();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(apiCalls).toContain('POST /api/auth/refresh');
    } finally {
      await context.close();
    }
  });

  it('gets nothing from the API on an origin it does not list', async () => {
    const { context, page } = await openWindow(browser, stranger.origin);
    const refused = new Promise<string>((resolve) => {
      page.on('requestfailed', (request) => {
        if (request.url().startsWith(`${api.url}/api/products`)) resolve(request.failure()?.errorText ?? 'failed');
      });
    });
    try {
      await page.goto('/');
      expect(await refused).toMatch(/ERR_FAILED|blocked|CORS/i);
      expect(await page.getByTestId('product-card').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
