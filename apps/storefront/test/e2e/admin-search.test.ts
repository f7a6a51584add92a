import { expect, it } from 'vitest';
import { atLeastSerious, axeViolations } from './axe.js';
import { describeInBrowser, eventually, registerShopper, screenshot, signIn } from './browser.js';
import { buy, uniqueEmail } from './flows.js';
import { browserSuite } from './suite.js';

const PHONE = { width: 390, height: 844 };

describeInBrowser('customer search by email (admin)', () => {
  const suite = browserSuite({ PAYMENT_WINDOW_SECONDS: '300' });

  it("finds accounts and a customer's orders by any part of the email, in any case", async () => {
    const shopper = await suite.openWindow();
    const other = await suite.openWindow();
    const admin = await suite.openWindow();
    const email = uniqueEmail('Searchable');
    try {
      await registerShopper(shopper.page, email, 'correct horse battery');
      await buy(shopper.page, 'Enamel Pin Set', 1);
      await registerShopper(other.page, uniqueEmail('bystander'), 'correct horse battery');
      await buy(other.page, 'Enamel Pin Set', 1);
      const part = email.split('@')[0]!.slice(0, 14).toUpperCase();

      await signIn(admin.page, suite.server.admin.email, suite.server.admin.password);
      await admin.page.goto('/admin/users');
      await admin.page.getByRole('searchbox', { name: 'Search by email' }).fill(part);
      const rows = admin.page.getByTestId('users-table').locator('tbody tr');
      await eventually(() => rows.allTextContents()).toEqual([expect.stringContaining(email.toLowerCase())]);
      expect(atLeastSerious(await axeViolations(admin.page))).toEqual([]);
      await screenshot(admin.page, 'search-01-users');
      await admin.page.getByRole('searchbox', { name: 'Search by email' }).fill('no-such-address-anywhere');
      await admin.page.getByText(/No account.s email contains “no-such-address-anywhere”/).waitFor();

      await admin.page.goto('/admin/orders');
      await admin.page.getByRole('searchbox', { name: 'Customer email' }).fill(part.toLowerCase());
      const orders = admin.page.getByTestId('orders-table').locator('tbody tr');
      await eventually(() => orders.count()).toBe(1);
      await expect(orders.first().textContent()).resolves.toContain('Enamel Pin Set');
      // The order names its customer by email, not by account id.
      await expect(orders.first().textContent()).resolves.toContain(email.toLowerCase());
      expect(atLeastSerious(await axeViolations(admin.page))).toEqual([]);
      await screenshot(admin.page, 'search-02-orders');

      await admin.page.setViewportSize(PHONE);
      await admin.page.goto('/admin/users');
      await admin.page.getByRole('searchbox', { name: 'Search by email' }).fill(part);
      await eventually(() => rows.count()).toBe(1);
      expect(atLeastSerious(await axeViolations(admin.page))).toEqual([]);
      await screenshot(admin.page, 'search-03-users-phone');
    } finally {
      await shopper.context.close();
      await other.context.close();
      await admin.context.close();
    }
  }, 90_000);
});
