import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, eventually, openWindow, screenshot, signIn } from './browser.js';
import { buy } from './flows.js';
import { browserSuite } from './suite.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** Short enough to watch a hold run out, long enough to see the countdown first. */
const PAYMENT_WINDOW_SECONDS = 10;

describeInBrowser('an unpaid hold', () => {
  // A payment started near the end of a hold extends it once by this grace; kept short so it runs out here too.
  const suite = browserSuite({ PAYMENT_WINDOW_SECONDS: String(PAYMENT_WINDOW_SECONDS), PAYMENT_GRACE_SECONDS: '3' });
  let proxy: TcpProxy;

  // Registered after the suite's hooks: starts once the server runs, and (hooks unwind in reverse) closes first.
  beforeAll(async () => {
    proxy = await startTcpProxy(suite.server.url);
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('expires: the countdown runs out, the stream reconnects after a dropped connection and reports EXPIRED, a reload replays the timeline', async () => {
    const { context, page } = await openWindow(suite.browser, proxy.url);
    try {
      await signIn(page, suite.server.shopper.email, suite.server.shopper.password);
      await buy(page, 'Canvas Tote Bag', 1);
      await eventually(() => page.getByTestId('hold-countdown').textContent()).toMatch(/^Held for you: 0:(0\d|10) left to pay$/);
      await screenshot(page, 'hold-01-countdown');

      // Drop the connection while the hold runs out; the stream reconnects and delivers what it missed.
      proxy.cut();
      await eventually(() => page.getByTestId('live-state').getAttribute('data-state')).toBe('reconnecting');
      await eventually(() => page.getByTestId('hold-countdown').textContent()).toContain('Hold ended');
      proxy.restore();
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status'), 30_000).toBe('EXPIRED');
      await eventually(() => page.getByTestId('live-state').getAttribute('data-state')).toBe('open');
      const outcome = page.getByTestId('order-outcome');
      await eventually(() => outcome.textContent()).toContain('Hold expired');
      expect(await page.getByRole('button', { name: /^Pay / }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
      await screenshot(page, 'hold-02-expired');

      // A reload starts a fresh stream, which replays the order's whole history.
      await page.reload();
      const timeline = page.getByTestId('order-timeline');
      await eventually(() => timeline.locator('[data-status]').evaluateAll((items) => items.map((item) => item.getAttribute('data-status')))).toEqual([
        'PENDING',
        'PAYMENT_PENDING',
        'EXPIRED',
      ]);
      await screenshot(page, 'hold-03-timeline-after-reload');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('on the pay page: the countdown runs out, Pay is disabled and the page says the hold ended', async () => {
    const { context, page } = await suite.openWindow();
    try {
      await signIn(page, suite.server.shopper.email, suite.server.shopper.password);
      await buy(page, 'Enamel Pin Set', 1);
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status')).toBe('PAYMENT_PENDING');
      await page.getByRole('button', { name: /^Pay / }).click();
      await page.waitForURL(/\/pay\//);
      await eventually(() => page.getByTestId('hold-countdown').textContent()).toMatch(/^Held for you: 0:(0\d|10) left to pay$/);
      const pay = page.getByRole('form', { name: 'Card payment' }).getByRole('button', { name: /^Pay / });
      expect(await pay.isEnabled()).toBe(true);
      await screenshot(page, 'hold-04-pay-page-countdown');

      // The hold runs out while the shopper is on the page: no click is needed to find out.
      const state = page.getByTestId('payment-state').locator('[data-state]');
      await eventually(() => state.getAttribute('data-state'), 30_000).toMatch(/^(hold-ended|order-ended)$/);
      await eventually(() => state.textContent()).toMatch(/hold has ended|can no longer be paid/);
      const paySubmit = page.getByRole('form', { name: 'Card payment' }).getByRole('button');
      if ((await paySubmit.count()) > 0) expect(await paySubmit.isDisabled()).toBe(true);
      expect(await page.getByTestId('hold-countdown').count()).toBe(0);
      await screenshot(page, 'hold-05-pay-page-hold-ended');
    } finally {
      await context.close();
    }
  }, 60_000);
});
