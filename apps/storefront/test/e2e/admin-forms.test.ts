import type { Dialog, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, eventually, screenshot, signIn } from './browser.js';
import { stockRow } from './flows.js';
import { browserSuite } from './suite.js';

describeInBrowser('admin and warehouse forms', () => {
  const suite = browserSuite({});

  /** Signs the admin in and opens the new-product form with `name` typed in. */
  const newProductForm = async (page: Page, name: string) => {
    await signIn(page, suite.server.admin.email, suite.server.admin.password);
    await page.goto('/admin/products');
    await page.getByRole('button', { name: 'New product' }).click();
    const form = page.getByRole('form', { name: 'New product' });
    await form.getByLabel(/^Name/).fill(name);
    return form;
  };

  it('the product form refuses what the API refuses, with a message, and sets the stock of a new product', async () => {
    const { context, page } = await suite.openWindow();
    const name = `Form Drop ${Date.now().toString(36)}`;
    try {
      const form = await newProductForm(page, name);
      const price = form.getByLabel(/^Price/);
      const save = form.getByRole('button', { name: 'Save' });

      await price.fill('-5');
      await save.click();
      await form.getByText('The price cannot be negative.').waitFor();
      await price.fill('100000000');
      await form.getByLabel(/^Limit per customer/).fill('20000');
      await save.click();
      await form.getByText('The price can be at most $1,000,000.00.').waitFor();
      await form.getByText('The limit can be at most 10,000.').waitFor();
      await screenshot(page, 'forms-01-product-refused');
      // Nothing was saved meanwhile, and the typed values were kept as typed (not clamped).
      expect(await price.inputValue()).toMatch(/^\$100,?000,?000(\.00)?$/);
      expect(await page.getByTestId('products-table').getByRole('cell', { name, exact: true }).count()).toBe(0);

      await price.fill('25');
      await form.getByLabel(/^Limit per customer/).fill('2');
      await form.getByLabel(/^Units in stock/).fill('7');
      await save.click();
      await page.getByTestId('products-table').getByRole('cell', { name, exact: true }).waitFor();
      await eventually(() => page.getByTestId('products-notice').textContent()).toBe(`${name} created with 7 units on sale.`);
      await page.goto('/warehouse');
      await eventually(() => stockRow(page, name).getByTestId('available').textContent()).toBe('7');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a product in yen is priced, listed, sold and edited in yen (0 digits), never as cents', async () => {
    const { context, page } = await suite.openWindow();
    const name = `Yen Drop ${Date.now().toString(36)}`;
    try {
      const form = await newProductForm(page, name);
      await form.getByLabel(/^Currency/).fill('JPY');
      await page.getByRole('option', { name: 'JPY', exact: true }).click();
      await form.getByLabel(/^Price \(JPY\)/).fill('1500');
      await form.getByLabel(/^Units in stock/).fill('3');
      await form.getByRole('button', { name: 'Save' }).click();
      const row = page.getByTestId('products-table').getByRole('row').filter({ hasText: name });
      await row.getByRole('cell', { name: '¥1,500', exact: true }).waitFor();

      // The API holds 1,500 minor units of JPY (yen have none smaller).
      const listed = (await (await fetch(`${suite.server.url}/api/products?size=100`)).json()) as { items: { name: string; price: unknown }[] };
      expect(listed.items.find((item) => item.name === name)?.price).toEqual({ amount: 1500, currency: 'JPY' });

      // Editing keeps the currency and the amount as they were.
      await page.getByRole('button', { name: `Edit ${name}` }).click();
      const edit = page.getByRole('form', { name: `Edit ${name}` });
      expect(await edit.getByLabel(/^Price \(JPY\)/).inputValue()).toMatch(/^¥1,?500$/);
      await edit.getByLabel(/^Limit per customer/).fill('2');
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'detached' });
      const after = (await (await fetch(`${suite.server.url}/api/products?size=100`)).json()) as { items: { name: string; price: unknown }[] };
      expect(after.items.find((item) => item.name === name)?.price).toEqual({ amount: 1500, currency: 'JPY' });

      // The shop shows it in yen too.
      await page.goto('/');
      await page.getByRole('article').filter({ hasText: name }).getByText('¥1,500', { exact: true }).waitFor();
      await screenshot(page, 'forms-03-yen-product');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a restock refuses negative and oversized quantities with a message, and asks before adding', async () => {
    const { context, page } = await suite.openWindow();
    const dialogs: string[] = [];
    let answer = false;
    page.on('dialog', (dialog: Dialog) => {
      dialogs.push(dialog.message());
      void (answer ? dialog.accept() : dialog.dismiss());
    });
    try {
      await signIn(page, suite.server.warehouse.email, suite.server.warehouse.password);
      await page.waitForURL(/\/warehouse$/);
      const row = stockRow(page, 'Enamel Pin Set');
      const available = row.getByTestId('available');
      await eventually(() => available.textContent()).toMatch(/^\d+$/);
      const before = Number(await available.textContent());
      const units = row.getByLabel('Units to add to Enamel Pin Set');
      const restock = row.getByRole('button', { name: 'Restock Enamel Pin Set' });

      await units.fill('-3');
      await restock.click();
      await row.getByText('The units to add cannot be negative.').waitFor();
      await units.fill('100000000');
      await restock.click();
      await row.getByText('The units to add can be at most 1,000,000.').waitFor();
      await screenshot(page, 'forms-02-restock-refused');
      expect(dialogs).toEqual([]);

      // Asked first: declining changes nothing, confirming adds exactly what was typed.
      await units.fill('4');
      await restock.click();
      await eventually(() => dialogs.length).toBe(1);
      const count = (n: number) => n.toLocaleString('en-US');
      expect(dialogs[0]).toBe(`Add 4 units to Enamel Pin Set? Available goes from ${count(before)} to ${count(before + 4)}.`);
      expect(Number(await available.textContent())).toBe(before);
      answer = true;
      await restock.click();
      await eventually(() => page.getByTestId('restock-message').textContent()).toContain(`now ${before + 4} available`);
      await eventually(async () => Number(await available.textContent())).toBe(before + 4);
    } finally {
      await context.close();
    }
  }, 60_000);
});
