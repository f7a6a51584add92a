import type { BrowserContext } from 'playwright-core';
import { expect, it } from 'vitest';
import { ApiSetup } from './api.js';
import { describeInBrowser, eventually, screenshot, signIn } from './browser.js';
import { browserSuite } from './suite.js';

/** The drop opens this far after the product is created: long enough to see "Not on sale yet" first. */
const DROP_IN_MS = 8_000;
/** The Date header has whole seconds and the page ticks once a second: "on time" means within this. */
const ON_TIME_MS = 2_000;

/** Runs every page of the context on a clock `skewMs` off the real one (a phone whose clock is wrong). */
const skewClock = (context: BrowserContext, skewMs: number) =>
  context.addInitScript({
    content: `(() => {
      const RealDate = Date;
      const shifted = () => RealDate.now() + ${skewMs};
      class SkewedDate extends RealDate {
        constructor(...args) { if (args.length === 0) super(shifted()); else super(...args); }
        static now() { return shifted(); }
      }
      globalThis.Date = SkewedDate;
    })();`,
  });

/** "Held for you: 4:59 left to pay" → milliseconds. */
const shownHoldMs = (text: string | null): number => {
  const match = /(\d+):(\d\d) left to pay/.exec(text ?? '');
  if (!match) throw new Error(`no hold countdown in ${JSON.stringify(text)}`);
  return (Number(match[1]) * 60 + Number(match[2])) * 1000;
};

describeInBrowser("a shopper's clock 60 s off the server's", () => {
  const suite = browserSuite({ PAYMENT_WINDOW_SECONDS: '300' });

  for (const skewMs of [-60_000, 60_000]) {
    const label = skewMs < 0 ? 'slow' : 'fast';
    it(`${label} by 60 s: the drop opens on the server's time and the hold countdown is right`, async () => {
      const admin = await ApiSetup.signIn(suite.server.url, suite.server.admin);
      const saleStartsAt = Date.now() + DROP_IN_MS;
      const name = `Clock Drop ${label} ${Date.now().toString(36)}`;
      const id = await admin.product(name, 5, { saleStartsAt: new Date(saleStartsAt).toISOString() });

      const { context, page } = await suite.openWindow();
      try {
        await skewClock(context, skewMs);
        await signIn(page, suite.server.shopper.email, suite.server.shopper.password);
        expect(Math.round(((await page.evaluate(() => Date.now())) - Date.now()) / 1000)).toBeCloseTo(skewMs / 1000, -1);
        await page.goto(`/products/${id}`);

        // Before the drop: the button waits, whatever the phone's clock says.
        const notYet = page.getByRole('button', { name: 'Not on sale yet' });
        await notYet.waitFor();
        expect(await notYet.isDisabled()).toBe(true);
        expect(Date.now()).toBeLessThan(saleStartsAt);
        await eventually(() => page.getByTestId('drop-countdown').textContent()).toMatch(/^Drop starts in 0:0\d$/);
        await screenshot(page, `clock-01-${label}-before-drop`);

        // The drop opens on the server's second: not before, and not a minute late.
        const buy = page.getByRole('button', { name: 'Buy now' });
        await buy.waitFor({ timeout: DROP_IN_MS + 10_000 });
        const openedAt = Date.now();
        expect(openedAt).toBeGreaterThanOrEqual(saleStartsAt - 100);
        expect(openedAt).toBeLessThan(saleStartsAt + ON_TIME_MS + 1_000);
        await buy.click();
        await page.waitForURL(/\/orders\/[^/]+$/);

        // The hold countdown runs on the server's clock: the order's holdUntil minus the real time.
        await eventually(() => page.getByTestId('order-status').getAttribute('data-status')).toBe('PAYMENT_PENDING');
        const orderId = page.url().split('/').at(-1) ?? '';
        const shopper = await ApiSetup.signIn(suite.server.url, suite.server.shopper);
        const { order } = await shopper.call<{ order: { holdUntil: string } }>('GET', `/api/orders/${orderId}`);
        const shown = shownHoldMs(await page.getByTestId('hold-countdown').textContent());
        expect(Math.abs(shown - (Date.parse(order.holdUntil) - Date.now()))).toBeLessThan(ON_TIME_MS);
        await screenshot(page, `clock-02-${label}-hold-countdown`);
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});
