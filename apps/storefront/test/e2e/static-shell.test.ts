import { expect, it } from 'vitest';
import { atLeastSerious, axeViolations } from './axe.js';
import { describeInBrowser, eventually, screenshot } from './browser.js';
import { browserSuite } from './suite.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 800 };

describeInBrowser('the catalogue before the JavaScript runs', () => {
  const suite = browserSuite({});

  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`shows product names, prices, stock words and links with the app's scripts held back (${name})`, async () => {
      const { context, page } = await suite.openWindow(viewport);
      try {
        // The app's JavaScript never arrives: what is on screen is the server's HTML and the stylesheet.
        let scripts = 0;
        await page.route('**/assets/*.js', (route) => {
          scripts += 1;
          return route.abort();
        });
        await page.goto('/');
        await expect(page.getByRole('heading', { level: 1, name: 'Drops' }).isVisible()).resolves.toBe(true);
        const tee = page.getByRole('article', { name: 'Everyday Tee' });
        await expect(tee.isVisible()).resolves.toBe(true);
        await expect(tee.textContent()).resolves.toMatch(/\$\d+\.\d\d/);
        await expect(tee.textContent()).resolves.toMatch(/Available · \d+ left|Selling fast · \d+ left|Sold out/);
        const view = tee.getByRole('link', { name: 'View Everyday Tee' });
        await expect(view.getAttribute('href')).resolves.toMatch(/^\/products\/[0-9a-f-]+$/);
        expect(scripts).toBeGreaterThan(0);
        expect(atLeastSerious(await axeViolations(page))).toEqual([]);
        await screenshot(page, `shell-01-no-js-${name}`);
      } finally {
        await context.close();
      }
    }, 60_000);
  }

  it('the app takes over: the static markup is gone, the same products are on screen, no loading state between', async () => {
    const { context, page } = await suite.openWindow(DESKTOP);
    try {
      // Records every loader the app shows; the catalogue should go from the server's markup straight to the app's.
      await page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { loadersSeen: string[] }).loadersSeen = seen;
        new MutationObserver(() => {
          for (const node of document.querySelectorAll('[role="status"][aria-label]')) seen.push(node.getAttribute('aria-label') ?? '');
        }).observe(document, { childList: true, subtree: true });
      });
      await page.goto('/');
      await eventually(() => page.getByTestId('product-card').count()).toBeGreaterThan(0);
      await eventually(() => page.locator('#lc-shell, #lc-catalogue').count()).toBe(0);
      await expect(page.getByRole('heading', { level: 1, name: 'Drops' }).count()).resolves.toBe(1);
      await expect(page.getByRole('article', { name: 'Everyday Tee' }).count()).resolves.toBe(1);
      await expect(page.getByRole('main').count()).resolves.toBe(1);
      expect(atLeastSerious(await axeViolations(page))).toEqual([]);
      await expect(page.evaluate(() => (window as unknown as { loadersSeen: string[] }).loadersSeen)).resolves.toEqual([]);
      await screenshot(page, 'shell-02-app-desktop');
    } finally {
      await context.close();
    }
  }, 60_000);
});
