import { expect, it } from 'vitest';
import { describeInBrowser, eventually } from './browser.js';
import { browserSuite } from './suite.js';

/**
 * Issue 18 finding 8: /api/docs loaded an unpinned Swagger UI from a CDN, with no CSP. It is self-hosted now, under
 * a CSP that allows this server only: the page must render every operation with no violation (the suite fails on
 * any CSP report) and without a single request to another origin.
 */
describeInBrowser('the API documentation page', () => {
  const suite = browserSuite({});

  it('renders Swagger UI from this server under its CSP', async () => {
    const { context, page } = await suite.openWindow();
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(suite.server.url) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
    try {
      await page.goto('/api/docs');
      await eventually(() => page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(20);
      await eventually(() => page.locator('.swagger-ui .info .title').textContent()).toContain('LimitedCart API');
      // Opening an operation renders its parameters and schemas: still nothing the CSP refuses.
      await page.locator('.swagger-ui .opblock-summary').first().click();
      await page.locator('.swagger-ui .opblock-body').first().waitFor();
      await page.locator('.swagger-ui .try-out__btn').first().click();
      await page.locator('.swagger-ui .execute').first().waitFor();
      expect(elsewhere).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
