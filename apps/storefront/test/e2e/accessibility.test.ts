import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { type AxeViolation, atLeastSerious, axeViolations } from './axe.js';
import { describeInBrowser, eventually, screenshot, signIn } from './browser.js';
import { buy, uniqueEmail } from './flows.js';
import { browserSuite } from './suite.js';

/** Enough accounts for the users page to need its pager (50 a page). */
const EXTRA_ACCOUNTS = 51;
const LAPTOP = { width: 1366, height: 800 };
const PHONE = { width: 390, height: 844 };
const slug = (name: string) => name.replaceAll(/[^a-z0-9]+/gi, '-').replace(/-$/, '');

describeInBrowser('accessibility (axe-core)', () => {
  const suite = browserSuite({ PAYMENT_WINDOW_SECONDS: '300' });
  const report: { page: string; violations: AxeViolation[] }[] = [];

  /** Waits for the page, runs axe over it and keeps a screenshot (`a11y-<viewport>-<page>.png`). */
  const check = async (page: Page, name: string, ready: () => Promise<unknown>) => {
    await ready();
    // A dialog fading in is grey for a moment: check what stays on screen, after finite transitions ended.
    await page.waitForFunction(() =>
      document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getComputedTiming().endTime === Infinity),
    );
    const width = page.viewportSize()?.width ?? 0;
    const label = width <= PHONE.width ? `${name} (phone)` : name;
    report.push({ page: label, violations: await axeViolations(page) });
    await screenshot(page, `a11y-${width <= PHONE.width ? 'phone' : 'laptop'}-${slug(name)}`);
  };

  it('every shopper, admin and warehouse page has no critical or serious violation', async () => {
    await Promise.all(
      Array.from({ length: EXTRA_ACCOUNTS }, (_, index) =>
        fetch(`${suite.server.url}/api/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: uniqueEmail(`axe${index}`), password: 'correct horse battery' }),
        }),
      ),
    );
    const { context, page } = await suite.openWindow(LAPTOP);
    const h1 = () => page.getByRole('heading', { level: 1 }).first().waitFor();
    try {
      // Signed out.
      await page.goto('/');
      await check(page, 'catalogue (signed out)', () => page.getByTestId('product-card').first().waitFor());
      await page.getByRole('link', { name: 'View Everyday Tee' }).click();
      await check(page, 'product (signed out)', h1);
      await page.goto('/register');
      await check(page, 'register', h1);
      await page.goto('/no-such-page');
      await check(page, 'not found', h1);
      await page.goto('/login');
      await check(page, 'login', h1);

      // Shopper.
      await signIn(page, suite.server.shopper.email, suite.server.shopper.password);
      await check(page, 'catalogue', () => page.getByTestId('product-card').first().waitFor());
      await buy(page, 'Everyday Tee', 1);
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status')).toBe('PAYMENT_PENDING');
      await check(page, 'order (awaiting payment)', () => page.getByTestId('hold-countdown').waitFor());
      await page.getByRole('button', { name: /^Pay / }).click();
      await page.waitForURL(/\/pay\//);
      await check(page, 'pay', () => page.getByRole('form', { name: 'Card payment' }).waitFor());
      await page.getByLabel('Name on card').fill('Ada Lovelace');
      await page.getByRole('form', { name: 'Card payment' }).getByRole('button', { name: /^Pay / }).click();
      await page.waitForURL(/\/orders\/[^/]+$/);
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status'), 30_000).toBe('CONFIRMED');
      await check(page, 'order (confirmed)', () => page.getByTestId('order-outcome').waitFor());
      await page.goto('/');
      await page.getByRole('link', { name: 'View Everyday Tee' }).click();
      await check(page, 'product', () => page.getByRole('button', { name: 'Buy now' }).waitFor());
      await page.goto('/orders');
      await check(page, 'my orders', () => page.getByTestId('orders-table').waitFor());
      await page.getByRole('button', { name: 'Sign out' }).click();

      // Warehouse.
      await signIn(page, suite.server.warehouse.email, suite.server.warehouse.password);
      await page.waitForURL(/\/warehouse$/);
      await check(page, 'stock (warehouse)', () => page.getByTestId('stock-table').waitFor());
      await page.getByRole('button', { name: 'Sign out' }).click();

      // Admin.
      await signIn(page, suite.server.admin.email, suite.server.admin.password);
      await page.waitForURL(/\/admin$/);
      await check(page, 'dashboard', () => page.getByTestId('revenue').waitFor());
      await page.goto('/admin/products');
      await check(page, 'products', () => page.getByTestId('products-table').waitFor());
      await page.getByRole('button', { name: 'New product' }).click();
      await check(page, 'new product form', () => page.getByRole('form', { name: 'New product' }).waitFor());
      await page.keyboard.press('Escape');
      await page.goto('/admin/orders');
      await check(page, 'all orders', () => page.getByTestId('orders-table').waitFor());
      await page.goto('/admin/users');
      await check(page, 'users', async () => {
        await page.getByTestId('users-table').waitFor();
        await page.getByRole('navigation', { name: 'Pages' }).or(page.locator('.mantine-Pagination-root')).first().waitFor();
      });
      await page.goto('/warehouse');
      await check(page, 'stock (admin)', () => page.getByTestId('stock-table').waitFor());
      await page.goto('/warehouse/reconcile');
      await check(page, 'reconcile', () => page.getByTestId('reconcile-state').waitFor());
    } finally {
      await context.close();
    }

    // The shopper's pages and the stock page again on a phone.
    const phone = await suite.openWindow(PHONE);
    try {
      const { page: p } = phone;
      await p.goto('/');
      await check(p, 'catalogue (signed out)', () => p.getByTestId('product-card').first().waitFor());
      await signIn(p, suite.server.shopper.email, suite.server.shopper.password);
      await p.goto('/');
      await p.getByRole('link', { name: 'View Canvas Tote Bag' }).click();
      await check(p, 'product', () => p.getByRole('button', { name: 'Buy now' }).waitFor());
      await p.getByLabel('Quantity').fill('1');
      await p.getByRole('button', { name: 'Buy now' }).click();
      await p.waitForURL(/\/orders\/[^/]+$/);
      await check(p, 'order (awaiting payment)', () => p.getByTestId('hold-countdown').waitFor());
      await p.getByRole('button', { name: /^Pay / }).click();
      await check(p, 'pay', () => p.getByRole('form', { name: 'Card payment' }).waitFor());
      await p.goto('/orders');
      await check(p, 'my orders', () => p.getByTestId('orders-cards').waitFor());
      await p.getByRole('button', { name: 'Sign out' }).click();
      await signIn(p, suite.server.admin.email, suite.server.admin.password);
      await p.goto('/admin');
      await check(p, 'dashboard', () => p.getByTestId('revenue').waitFor());
      await p.goto('/warehouse');
      await check(p, 'stock', () => p.getByTestId('stock-table').waitFor());
    } finally {
      await phone.context.close();
    }

    const lines = report.map(({ page: name, violations }) => {
      const count = (impact: string) => violations.filter((v) => v.impact === impact).reduce((sum, v) => sum + v.nodes, 0);
      const rules = violations.map((v) => `${v.id}(${v.impact},${v.nodes})`).join(' ');
      return `${name.padEnd(34)} critical ${count('critical')} serious ${count('serious')} moderate ${count('moderate')} minor ${count('minor')}  ${rules}`;
    });
    console.log(`axe-core over ${report.length} pages (nodes per impact):\n${lines.join('\n')}`);
    const failing = report.flatMap(({ page: name, violations }) => atLeastSerious(violations).map((v) => ({ page: name, ...v })));
    expect(failing).toEqual([]);
  }, 180_000);

  it('each route has its own title, and a navigation moves focus to the page heading', async () => {
    const { context, page } = await suite.openWindow();
    const focused = () => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`);
    try {
      await page.goto('/');
      await eventually(() => page.title()).toBe('Drops · LimitedCart');
      await signIn(page, suite.server.admin.email, suite.server.admin.password);
      const titles: string[] = [];
      for (const link of ['Products', 'All orders', 'Users & roles', 'Stock', 'Reconcile', 'Dashboard']) {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
        await eventually(focused).toBe(`H1 ${link}`);
        titles.push(await page.title());
      }
      for (const title of titles) expect(title).toMatch(/ · LimitedCart$/);
      expect(new Set(titles).size).toBe(titles.length);
    } finally {
      await context.close();
    }
  }, 60_000);
});
