import type { Page } from 'playwright-core';

/** Steps several scenarios share, written as a person would do them in the UI. */

export const uniqueEmail = (who: string) => `${who}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

export const stockRow = (page: Page, name: string) => page.getByTestId('stock-row').filter({ hasText: name });

/** Places an order from the product page and waits for the order page. */
export async function buy(page: Page, productName: string, quantity: number): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: `View ${productName}` }).click();
  await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Buy now' }).click();
  await page.waitForURL(/\/orders\/[^/]+$/);
}

/** From the order page: Pay, then the card form with `card`. */
export async function payWith(page: Page, card: string): Promise<void> {
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.waitForURL(/\/pay\//);
  await page.getByLabel(/^Card number/).fill(card);
  await page.getByLabel('Name on card').fill('Ada Lovelace');
  await page.getByRole('form', { name: 'Card payment' }).getByRole('button', { name: /^Pay / }).click();
}

/** Creates a product through the admin form. `saleStartsAt` is a `datetime-local` value. */
export async function createProduct(page: Page, fields: { name: string; price: string; limit: string; saleStartsAt?: string }): Promise<void> {
  await page.goto('/admin/products');
  await page.getByRole('button', { name: 'New product' }).click();
  const form = page.getByRole('form', { name: 'New product' });
  await form.getByLabel(/^Name/).fill(fields.name);
  await form.getByLabel(/^Description/).fill(`${fields.name}: a limited run.`);
  await form.getByLabel(/^Price/).fill(fields.price);
  await form.getByLabel(/^Limit per customer/).fill(fields.limit);
  if (fields.saleStartsAt) await form.getByLabel(/^Sale starts at/).fill(fields.saleStartsAt);
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('products-table').getByRole('cell', { name: fields.name, exact: true }).waitFor();
}
