import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, signIn } from './browser.js';
import { uniqueEmail } from './flows.js';
import { browserSuite } from './suite.js';

describeInBrowser('signing in and up from a page', () => {
  const suite = browserSuite({});

  it('a new shopper who signs up from a product page comes back to it', async () => {
    const { context, page } = await suite.openWindow();
    try {
      await page.goto('/');
      await page.getByRole('link', { name: 'View Canvas Tote Bag' }).click();
      await page.waitForURL(/\/products\/[^/]+$/);
      const productPath = new URL(page.url()).pathname;
      await page.getByRole('link', { name: 'Sign in to buy' }).click();
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.waitForURL(/\/register\?next=/);
      await page.getByLabel('Email').fill(uniqueEmail('returning'));
      await page.getByLabel(/^Password/).fill('correct horse battery');
      await page.getByRole('button', { name: 'Create account' }).last().click();
      await page.waitForURL((url) => url.pathname === productPath);
      await page.getByRole('button', { name: 'Buy now' }).waitFor();

      // The header's own links come back too.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.goto(productPath);
      await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).click();
      await signInHere(page, suite.server.shopper.email, suite.server.shopper.password);
      await page.waitForURL((url) => url.pathname === productPath);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a signed-in user who opens the sign-in or sign-up page is sent on', async () => {
    const { context, page } = await suite.openWindow();
    try {
      await signIn(page, suite.server.shopper.email, suite.server.shopper.password);
      await page.goto('/login');
      await page.waitForURL((url) => url.pathname === '/');
      await page.goto('/register?next=%2Forders');
      await page.waitForURL((url) => url.pathname === '/orders');
      expect(await page.getByRole('form', { name: 'Sign in' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);
});

async function signInHere(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('form', { name: 'Sign in' }).getByRole('button', { name: 'Sign in' }).click();
}
