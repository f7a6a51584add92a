import { expect, it } from 'vitest';
import { ApiSetup } from './api.js';
import { atLeastSerious, axeViolations } from './axe.js';
import { describeInBrowser, eventually, registerShopper, screenshot } from './browser.js';
import { uniqueEmail } from './flows.js';
import { browserSuite } from './suite.js';

const PHONE = { width: 390, height: 844 };

describeInBrowser('live stock over server-sent events', () => {
  // A short hold, so that a held unit comes back on sale within the test.
  const suite = browserSuite({ PAYMENT_WINDOW_SECONDS: '6' });

  it('the product page and the catalogue follow stock as it changes, without a reload and without polling', async () => {
    const admin = await ApiSetup.signIn(suite.server.url, suite.server.admin);
    const name = `Live Unit ${Date.now().toString(36)}`;
    const id = await admin.product(name, 1, { limit: 1 });
    const product = await suite.openWindow();
    const catalogue = await suite.openWindow(PHONE);
    try {
      await registerShopper(product.page, uniqueEmail('watcher'), 'correct horse battery');
      // Reads of the product and of the list, counted from the moment the stream is open.
      const reads: string[] = [];
      for (const page of [product.page, catalogue.page]) {
        page.on('request', (request) => {
          const path = new URL(request.url()).pathname;
          if (path === '/api/products' || path.startsWith('/api/products/') && !path.endsWith('/stream')) reads.push(path);
        });
      }
      await product.page.goto(`/products/${id}`);
      await catalogue.page.goto('/');
      const badge = product.page.getByTestId('stock-state');
      const card = catalogue.page.getByTestId('product-card').filter({ hasText: name });
      await eventually(() => badge.textContent()).toBe('Selling fast · 1 left');
      await eventually(() => card.getByTestId('stock-state').textContent()).toBe('Selling fast · 1 left');
      const buyNow = product.page.getByRole('button', { name: 'Buy now' });
      expect(await buyNow.isEnabled()).toBe(true);
      // Let the first reads settle, then count: the stream is open by now (its `ready` event set the pages live).
      await product.page.waitForTimeout(1_500);
      reads.length = 0;

      // Another shopper holds the only unit: both pages show it sold out within a couple of seconds.
      const other = await ApiSetup.signIn(suite.server.url, suite.server.shopper);
      await other.call('POST', '/api/orders', { productId: id, quantity: 1 });
      await eventually(() => badge.getAttribute('data-state'), 4_000).toBe('sold-out');
      await eventually(() => card.getByTestId('stock-state').getAttribute('data-state'), 4_000).toBe('sold-out');
      const soldOut = product.page.getByRole('button', { name: 'Sold out' });
      expect(await soldOut.isDisabled()).toBe(true);
      expect(atLeastSerious(await axeViolations(product.page))).toEqual([]);
      await screenshot(product.page, 'live-01-sold-out-pushed');
      await screenshot(catalogue.page, 'live-02-catalogue-phone-sold-out');

      // The hold runs out unpaid: the unit comes back and Buy opens again, still without a reload.
      await eventually(() => badge.textContent(), 20_000).toBe('Selling fast · 1 left');
      await eventually(() => buyNow.isEnabled()).toBe(true);
      await eventually(() => card.getByTestId('stock-state').textContent(), 4_000).toBe('Selling fast · 1 left');
      expect(reads, 'no product or list read while the stream carried the changes').toEqual([]);
      expect(atLeastSerious(await axeViolations(catalogue.page))).toEqual([]);
      await screenshot(product.page, 'live-03-unit-back');
    } finally {
      await product.context.close();
      await catalogue.context.close();
    }
  }, 90_000);
});
