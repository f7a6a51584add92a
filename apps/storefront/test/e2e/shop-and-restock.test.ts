import { expect, it } from 'vitest';
import { describeInBrowser, eventually, registerShopper, screenshot, signIn } from './browser.js';
import { buy, payWith, stockRow, uniqueEmail } from './flows.js';
import { browserSuite } from './suite.js';

const TEE = 'Everyday Tee';

describeInBrowser('shopping and restocking, in two windows', () => {
  const suite = browserSuite({ PAYMENT_WINDOW_SECONDS: '300' });

  it('a shopper buys and pays in one window while an admin restocks in another', async () => {
    const shopper = await suite.openWindow();
    const admin = await suite.openWindow();
    try {
      const { page } = shopper;
      await registerShopper(page, uniqueEmail('buyer'), 'correct horse battery');
      await eventually(() => page.getByTestId('product-card').count()).toBeGreaterThanOrEqual(4);
      await screenshot(page, 'shop-01-catalogue');

      // Typo-tolerant search, answered by the server.
      await page.getByLabel('Search products').fill('evryday');
      await eventually(() => page.getByTestId('product-card').allInnerTexts()).toEqual([expect.stringContaining(TEE)]);
      await screenshot(page, 'shop-02-search-typo');

      // The quantity field is capped by the per-customer limit (5 for the tee).
      await page.getByRole('link', { name: `View ${TEE}` }).click();
      const quantity = page.getByLabel('Quantity');
      await quantity.fill('9');
      await quantity.blur();
      expect(Number(await quantity.inputValue())).toBeLessThanOrEqual(5);
      await eventually(() => page.getByText('Up to 5').count()).toBe(1);
      await quantity.fill('2');
      await screenshot(page, 'shop-03-product');
      await page.getByRole('button', { name: 'Buy now' }).click();
      await page.waitForURL(/\/orders\/[^/]+$/);
      await page.getByTestId('hold-countdown').waitFor();
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status')).toBe('PAYMENT_PENDING');
      await eventually(() => page.getByTestId('live-state').getAttribute('data-state')).toBe('open');
      await screenshot(page, 'shop-04-order-awaiting-payment');

      // Meanwhile the admin sees the hold and restocks the tee.
      await signIn(admin.page, suite.server.admin.email, suite.server.admin.password);
      await admin.page.goto('/warehouse');
      const row = stockRow(admin.page, TEE);
      await eventually(() => row.getByTestId('held').textContent()).toBe('2');
      const before = Number(await row.getByTestId('available').textContent());
      await row.getByLabel(`Units to add to ${TEE}`).fill('25');
      admin.page.once('dialog', (dialog) => void dialog.accept());
      await row.getByRole('button', { name: `Restock ${TEE}` }).click();
      await eventually(() => admin.page.getByTestId('restock-message').textContent()).toContain(`now ${before + 25} available`);
      await eventually(async () => Number(await row.getByTestId('available').textContent())).toBe(before + 25);
      await screenshot(admin.page, 'shop-05-warehouse-restocked');

      // The shopper pays with the succeeding test card; the stream confirms the order.
      await payWith(page, '4242424242424242');
      await page.waitForURL(/\/orders\/[^/]+$/);
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status'), 20_000).toBe('CONFIRMED');
      await page.getByTestId('order-outcome').waitFor();
      const timeline = await page.getByTestId('order-timeline').textContent();
      expect(timeline).toContain('Awaiting payment');
      expect(timeline).toContain('Confirmed');
      await screenshot(page, 'shop-06-order-confirmed');

      // The sale shows up for the admin: sold units and revenue.
      await eventually(() => row.getByTestId('sold').textContent()).toBe('2');
      await admin.page.goto('/admin');
      await eventually(() => admin.page.getByTestId('revenue').textContent()).not.toBe('$0.00');
      await eventually(() => admin.page.getByTestId('orders-CONFIRMED').textContent()).not.toBe('0');
      await screenshot(admin.page, 'shop-07-admin-dashboard');

      // (A declined card and the retry after it: payment.test.ts.)
      // An open order can be cancelled; its hold goes back on sale.
      await buy(page, 'Enamel Pin Set', 1);
      await page.getByRole('button', { name: 'Cancel order' }).click();
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status')).toBe('CANCELLED');
      await eventually(() => page.getByTestId('order-outcome').textContent()).toContain('Order cancelled');
      await screenshot(page, 'shop-10-order-cancelled');

      await page.goto('/orders');
      await eventually(() => page.getByTestId('orders-table').locator('tbody tr').count()).toBe(2);
      await screenshot(page, 'shop-11-my-orders');
    } finally {
      await shopper.context.close();
      await admin.context.close();
    }
  }, 90_000);
});
