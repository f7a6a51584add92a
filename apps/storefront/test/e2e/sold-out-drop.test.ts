import { expect, it } from 'vitest';
import { describeInBrowser, eventually, registerShopper, screenshot, signIn } from './browser.js';
import { ApiSetup } from './api.js';
import { buy, createProduct, stockRow, uniqueEmail } from './flows.js';
import { browserSuite } from './suite.js';

describeInBrowser('a limited drop', () => {
  const suite = browserSuite({ PAYMENT_WINDOW_SECONDS: '300' });

  it('a sold-out drop: the last unit is held, the next shopper is told it is sold out', async () => {
    const admin = await suite.openWindow();
    const first = await suite.openWindow();
    const second = await suite.openWindow();
    const drop = `Midnight Drop ${Date.now().toString(36)}`;
    const upcoming = `Future Drop ${Date.now().toString(36)}`;
    try {
      // The admin creates a one-per-customer product with a single unit, and one that drops in an hour.
      await signIn(admin.page, suite.server.admin.email, suite.server.admin.password);
      await createProduct(admin.page, { name: drop, price: '250', limit: '1' });
      const inAnHour = new Date(Date.now() + 3_600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      await createProduct(admin.page, { name: upcoming, price: '99', limit: '2', saleStartsAt: inAnHour });
      await screenshot(admin.page, 'drop-01-admin-products');
      await admin.page.goto('/warehouse');
      const row = stockRow(admin.page, drop);
      await row.getByLabel(`Units to add to ${drop}`).fill('1');
      admin.page.once('dialog', (dialog) => void dialog.accept());
      await row.getByRole('button', { name: `Restock ${drop}` }).click();
      await eventually(() => row.getByTestId('available').textContent()).toBe('1');

      // The first shopper takes the only unit.
      await signIn(first.page, suite.server.shopper.email, suite.server.shopper.password);
      await buy(first.page, drop, 1);
      await eventually(() => first.page.getByTestId('order-status').getAttribute('data-status')).toBe('PAYMENT_PENDING');

      // The second shopper is told plainly that it is sold out, on the product page and in the catalogue.
      await registerShopper(second.page, uniqueEmail('late'), 'correct horse battery');
      await second.page.getByRole('link', { name: `View ${drop}` }).click();
      const soldOutButton = second.page.getByRole('button', { name: 'Sold out' });
      await soldOutButton.waitFor();
      expect(await soldOutButton.isDisabled()).toBe(true);
      await screenshot(second.page, 'drop-02-sold-out-message');
      await second.page.getByRole('link', { name: 'Back to the shop' }).click();
      const soldOutCard = second.page.getByTestId('product-card').filter({ hasText: drop });
      await eventually(() => soldOutCard.getByTestId('stock-state').getAttribute('data-state')).toBe('sold-out');

      // The upcoming drop (an hour ahead, to the minute) counts down and cannot be bought yet.
      const upcomingCard = second.page.getByTestId('product-card').filter({ hasText: upcoming });
      await eventually(() => upcomingCard.getByTestId('stock-state').getAttribute('data-state')).toBe('upcoming');
      await eventually(() => upcomingCard.getByTestId('drop-countdown').textContent()).toMatch(/^Drop starts in (1:00:00|[1-5]\d:\d\d)$/);
      await screenshot(second.page, 'drop-03-catalogue-sold-out-and-countdown');
      await upcomingCard.getByRole('link', { name: `View ${upcoming}` }).click();
      const notYet = second.page.getByRole('button', { name: 'Not on sale yet' });
      await notYet.waitFor();
      expect(await notYet.isDisabled()).toBe(true);
      await screenshot(second.page, 'drop-04-product-countdown');

      // Staff see the live stock: sold out in the shop, held on the stock page, and a low-stock alert.
      await admin.page.goto('/');
      const staffCard = admin.page.getByTestId('product-card').filter({ hasText: drop });
      await eventually(() => staffCard.getByTestId('stock-state').getAttribute('data-state')).toBe('sold-out');
      await admin.page.goto('/warehouse');
      await eventually(() => stockRow(admin.page, drop).getByTestId('held').textContent()).toBe('1');
      await eventually(() => admin.page.getByTestId('low-stock-alert').textContent()).toContain(drop);
      await screenshot(admin.page, 'drop-05-warehouse-low-stock');

      // The per-customer limit counts what a shopper holds: three totes are the most one customer may have.
      await buy(first.page, 'Canvas Tote Bag', 3);
      await first.page.goto('/');
      await first.page.getByRole('link', { name: 'View Canvas Tote Bag' }).click();
      await first.page.getByRole('button', { name: 'Buy now' }).click();
      const limit = first.page.getByRole('alert').filter({ hasText: 'Limit reached' });
      await limit.waitFor();
      expect(await limit.getAttribute('data-code')).toBe('LIMIT_EXCEEDED');
      await screenshot(first.page, 'drop-06-limit-reached');

      // Archiving takes a product out of the shop.
      await admin.page.goto('/admin/products');
      admin.page.once('dialog', (dialog) => void dialog.accept());
      await admin.page.getByRole('button', { name: `Archive ${upcoming}` }).click();
      await eventually(() => admin.page.getByTestId('products-table').getByRole('row', { name: new RegExp(upcoming) }).textContent()).toContain('archived');
      await second.page.goto('/');
      await second.page.getByTestId('product-card').first().waitFor();
      expect(await second.page.getByTestId('product-card').filter({ hasText: upcoming }).count()).toBe(0);
    } finally {
      await admin.context.close();
      await first.context.close();
      await second.context.close();
    }
  }, 90_000);

  it('sold out, then units come back: the stale "Sold out" answer clears and Buy opens again without a reload', async () => {
    const admin = await ApiSetup.signIn(suite.server.url, suite.server.admin);
    const name = `Last Unit ${Date.now().toString(36)}`;
    const id = await admin.product(name, 1, { limit: 1 });
    const { context, page } = await suite.openWindow();
    try {
      await registerShopper(page, uniqueEmail('second'), 'correct horse battery');
      await page.goto(`/products/${id}`);
      await eventually(() => page.getByTestId('stock-state').textContent()).toBe('Selling fast · 1 left');
      const buyNow = page.getByRole('button', { name: 'Buy now' });
      expect(await buyNow.isEnabled()).toBe(true);

      // Someone else takes the last unit while this page still shows it (its refreshes held back meanwhile).
      const refreshes = /\/api\/products\/[^/?]+$/;
      await page.route(refreshes, (route) => route.abort());
      const other = await ApiSetup.signIn(suite.server.url, suite.server.shopper);
      const { orderId } = await other.call<{ orderId: string }>('POST', '/api/orders', { productId: id, quantity: 1 });
      await buyNow.click();
      const alert = page.getByRole('alert').filter({ hasText: 'Sold out' });
      await alert.waitFor();
      expect(await alert.getAttribute('data-code')).toBe('OUT_OF_STOCK');
      await page.unroute(refreshes);
      const soldOut = page.getByRole('button', { name: 'Sold out' });
      await soldOut.waitFor();
      expect(await soldOut.isDisabled()).toBe(true);
      await eventually(() => page.getByTestId('stock-state').getAttribute('data-state')).toBe('sold-out');
      await screenshot(page, 'drop-07-sold-out-answer');

      // The other order is cancelled: its unit goes back on sale and this page follows without a reload.
      await other.call('POST', `/api/orders/${orderId}/cancel`);
      await buyNow.waitFor();
      expect(await buyNow.isEnabled()).toBe(true);
      await eventually(() => alert.count()).toBe(0);
      await eventually(() => page.getByTestId('stock-state').textContent()).toBe('Selling fast · 1 left');
      await screenshot(page, 'drop-08-units-back');
      await buyNow.click();
      await page.waitForURL(/\/orders\/[^/]+$/);
    } finally {
      await context.close();
    }
  }, 60_000);
});
