import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { atLeastSerious, axeViolations } from './axe.js';
import { describeInBrowser, eventually, registerShopper, screenshot, signIn } from './browser.js';
import { buy, uniqueEmail } from './flows.js';
import { browserSuite } from './suite.js';

const PHONE = { width: 390, height: 844 };

/** Whether the page scrolls sideways (something wider than the screen). */
const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

/** Every order card has its status badge and its order link inside the screen. */
async function cardsFitTheScreen(page: Page): Promise<void> {
  const cards = page.getByTestId('order-card');
  await eventually(() => cards.count()).toBeGreaterThan(0);
  for (const card of await cards.all()) {
    for (const part of [card.getByTestId('order-status'), card.getByRole('link')]) {
      const box = await part.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    }
  }
}

describeInBrowser('order lists on a phone (390×844)', () => {
  const suite = browserSuite({ PAYMENT_WINDOW_SECONDS: '300' });

  it("a shopper's orders and the admin's orders show every order's status on screen, with nothing off to the side", async () => {
    const shopper = await suite.openWindow(PHONE);
    const admin = await suite.openWindow(PHONE);
    try {
      const email = uniqueEmail('phone');
      await registerShopper(shopper.page, email, 'correct horse battery');
      await buy(shopper.page, 'Enamel Pin Set', 1);
      await buy(shopper.page, 'Canvas Tote Bag', 2);
      await shopper.page.goto('/orders');
      await cardsFitTheScreen(shopper.page);
      expect(await shopper.page.getByTestId('order-card').count()).toBe(2);
      expect(await scrollsSideways(shopper.page)).toBe(false);
      expect(atLeastSerious(await axeViolations(shopper.page))).toEqual([]);
      await screenshot(shopper.page, 'phone-01-my-orders');

      await signIn(admin.page, suite.server.admin.email, suite.server.admin.password);
      await admin.page.goto('/admin/orders');
      await cardsFitTheScreen(admin.page);
      expect(await scrollsSideways(admin.page)).toBe(false);
      expect(atLeastSerious(await axeViolations(admin.page))).toEqual([]);
      // Each card names its customer by email, wrapped inside the card however long the address.
      await eventually(() => admin.page.getByTestId('order-card').first().textContent()).toContain(email.toLowerCase());
      await screenshot(admin.page, 'phone-02-admin-orders');
    } finally {
      await shopper.context.close();
      await admin.context.close();
    }
  }, 60_000);

  it('the signed-out header fits: nothing on the catalogue scrolls sideways', async () => {
    const { context, page } = await suite.openWindow(PHONE);
    try {
      await page.goto('/');
      await page.getByTestId('product-card').first().waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      const signUp = await page.getByRole('banner').getByRole('link', { name: 'Sign up' }).boundingBox();
      expect(signUp!.x + signUp!.width).toBeLessThanOrEqual(PHONE.width);
    } finally {
      await context.close();
    }
  }, 60_000);
});
