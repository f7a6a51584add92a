import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, eventually, registerShopper, screenshot, signIn, submitSignIn } from './browser.js';
import { buy, uniqueEmail } from './flows.js';
import { browserSuite } from './suite.js';

describeInBrowser('role-based navigation', () => {
  const suite = browserSuite({ PAYMENT_WINDOW_SECONDS: '300' });

  const navLinks = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
  const notAllowed = (page: Page) => page.getByRole('alert').filter({ hasText: 'Not allowed' });

  it('shows each role only the pages it may use, and guards the rest', async () => {
    const { context, page } = await suite.openWindow();
    try {
      // Signed out: the shop only; a private page sends the visitor to sign in and back.
      await page.goto('/');
      await eventually(() => navLinks(page)).toEqual(['Shop']);
      // The first Tab lands on a skip link past the header and navigation.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      await page.goto('/orders');
      await page.waitForURL(/\/login\?next=%2Forders$/);
      await screenshot(page, 'nav-01-anonymous-sign-in');

      // Shopper: shop and own orders; admin pages are refused.
      await submitSignIn(page, suite.server.shopper.email, suite.server.shopper.password);
      await page.waitForURL(/\/orders$/);
      await eventually(() => navLinks(page)).toEqual(['Shop', 'My orders']);
      await buy(page, 'Enamel Pin Set', 2);
      await page.goto('/admin');
      await notAllowed(page).waitFor();
      await screenshot(page, 'nav-02-shopper-not-allowed');
      await page.getByRole('button', { name: 'Sign out' }).click();

      // Warehouse: stock only (the catalogue and its prices are ADMIN's; no reconcile).
      await signIn(page, suite.server.warehouse.email, suite.server.warehouse.password);
      await page.waitForURL(/\/warehouse$/);
      await eventually(() => navLinks(page)).toEqual(['Shop', 'Stock']);
      await page.getByTestId('stock-table').waitFor();
      await screenshot(page, 'nav-03-warehouse-stock');
      await page.goto('/admin/products');
      await notAllowed(page).waitFor();
      await page.goto('/warehouse/reconcile');
      await notAllowed(page).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();

      // Admin: everything.
      await signIn(page, suite.server.admin.email, suite.server.admin.password);
      await page.waitForURL(/\/admin$/);
      await eventually(() => navLinks(page)).toEqual(['Shop', 'Dashboard', 'Products', 'All orders', 'Users & roles', 'Stock', 'Reconcile']);
      await page.goto('/admin/orders');
      await page.getByRole('combobox', { name: 'Status' }).click();
      await page.getByRole('option', { name: 'Awaiting payment' }).click();
      await eventually(() => page.getByTestId('orders-table').locator('tbody tr').count()).toBe(1);
      await screenshot(page, 'nav-04-admin-orders-filtered');
      await page.goto('/warehouse/reconcile');
      await eventually(() => page.getByTestId('reconcile-state').textContent()).toContain('In sync');
      await page.getByRole('button', { name: 'Repair drift' }).click();
      await page.getByTestId('repair-result').waitFor();
      await screenshot(page, 'nav-05-admin-reconcile');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('an admin grants a role, and the user gets its pages at the next sign-in', async () => {
    const admin = await suite.openWindow();
    const staff = await suite.openWindow();
    const email = uniqueEmail('newhire');
    try {
      await registerShopper(staff.page, email, 'correct horse battery');
      await eventually(() => navLinks(staff.page)).toEqual(['Shop', 'My orders']);

      await signIn(admin.page, suite.server.admin.email, suite.server.admin.password);
      await admin.page.goto('/admin/users');
      const box = admin.page.getByRole('checkbox', { name: `WAREHOUSE role for ${email}` });
      await box.click();
      await eventually(() => box.isChecked()).toBe(true);
      await screenshot(admin.page, 'nav-06-admin-users-roles');

      await staff.page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(staff.page, email, 'correct horse battery');
      await eventually(() => navLinks(staff.page)).toEqual(['Shop', 'My orders', 'Stock']);
    } finally {
      await admin.context.close();
      await staff.context.close();
    }
  }, 60_000);

  it('collapses the navigation behind a menu button on a phone', async () => {
    const { context, page } = await suite.openWindow({ width: 390, height: 844 });
    try {
      await signIn(page, suite.server.shopper.email, suite.server.shopper.password);
      await page.getByTestId('product-card').first().waitFor();
      await screenshot(page, 'nav-07-phone-catalogue');
      const menu = page.getByRole('button', { name: 'Toggle navigation' });
      await menu.click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My orders' }).click();
      await page.waitForURL(/\/orders$/);
      await page.getByTestId('orders-cards').or(page.getByText('No orders.')).waitFor();
      await screenshot(page, 'nav-08-phone-my-orders');
    } finally {
      await context.close();
    }
  }, 60_000);
});
