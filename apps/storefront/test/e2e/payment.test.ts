import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { ApiSetup } from './api.js';
import { describeInBrowser, eventually, registerShopper, screenshot } from './browser.js';
import { buy, payWith, uniqueEmail } from './flows.js';
import { browserSuite } from './suite.js';

const GOOD_CARD = '4242424242424242';
const DECLINED_CARD = '4000000000000002';

describeInBrowser('the pay page', () => {
  const suite = browserSuite({ PAYMENT_WINDOW_SECONDS: '300' });

  it('shows the order summary and the hold countdown; once paid, going back shows it paid and no card form', async () => {
    const { context, page } = await suite.openWindow();
    try {
      await registerShopper(page, uniqueEmail('payer'), 'correct horse battery');
      await buy(page, 'Enamel Pin Set', 2);
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status')).toBe('PAYMENT_PENDING');
      await page.getByRole('button', { name: /^Pay / }).click();
      await page.waitForURL(/\/pay\//);
      await eventually(() => page.getByTestId('payment-order-line').textContent()).toMatch(/^2 × Enamel Pin Set/);
      await eventually(() => page.getByTestId('hold-countdown').textContent()).toMatch(/^Held for you: [45]:\d\d left to pay$/);
      expect(await page.getByText('Amount due').count()).toBe(1);
      await screenshot(page, 'pay-01-summary-and-countdown');

      await page.getByLabel(/^Card number/).fill(GOOD_CARD);
      await page.getByLabel('Name on card').fill('Ada Lovelace');
      await page.getByRole('form', { name: 'Card payment' }).getByRole('button', { name: /^Pay / }).click();
      await page.waitForURL(/\/orders\/[^/]+$/);
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status'), 30_000).toBe('CONFIRMED');

      await page.goBack();
      await page.waitForURL(/\/pay\//);
      await eventually(() => page.getByTestId('payment-state').locator('[data-state]').getAttribute('data-state')).toBe('paid');
      expect(await page.getByText('Amount paid').count()).toBe(1);
      expect(await page.getByText('Amount due').count()).toBe(0);
      expect(await page.getByText('Nothing to pay').count()).toBe(0);
      expect(await page.getByRole('form', { name: 'Card payment' }).count()).toBe(0);
      expect(await page.getByTestId('hold-countdown').count()).toBe(0);
      await screenshot(page, 'pay-02-paid-after-back');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a declined card shows the reason; another card pays the same order while the hold runs', async (test) => {
    const retryable = await declinedOrdersStayPayable(suite.server.url, suite.server.shopper);
    const { context, page } = await suite.openWindow();
    try {
      await registerShopper(page, uniqueEmail('retry'), 'correct horse battery');
      await buy(page, 'Canvas Tote Bag', 1);
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status')).toBe('PAYMENT_PENDING');
      const orderUrl = page.url();
      await payWith(page, DECLINED_CARD);
      const state = page.getByTestId('payment-state').locator('[data-state]');
      await eventually(() => state.textContent()).toMatch(/declined/i);
      if (!retryable) {
        // A server that fails the order at the first decline: the page says so and offers no Pay.
        await eventually(() => state.getAttribute('data-state')).toBe('order-ended');
        await eventually(() => state.textContent()).toContain('Order failed');
        expect(await page.getByRole('form', { name: 'Card payment' }).count()).toBe(0);
        await screenshot(page, 'pay-03-declined-order-failed');
        test.skip('this server ends an order FAILED at the first decline (retry after a decline is the server side of issue 20)');
      }
      const declined = page.getByRole('alert').filter({ hasText: 'Card declined' });
      await eventually(() => declined.textContent()).toContain('try another card');
      await screenshot(page, 'pay-03-declined-retry-offered');

      // The order page says so too; back on the same link (reloaded: the decline is remembered), another card.
      const payUrl = page.url();
      await page.getByRole('link', { name: 'See the order' }).click();
      await eventually(() => page.getByTestId('last-payment').textContent()).toContain('declined');
      await screenshot(page, 'pay-04-order-after-decline');
      await page.goBack();
      await page.waitForURL(payUrl);
      await eventually(() => page.getByRole('alert').filter({ hasText: 'Card declined' }).textContent()).toContain('try another card');
      await page.getByLabel('Name on card').fill('Ada Lovelace');
      await page.getByLabel(/^Card number/).fill(GOOD_CARD);
      await page.getByRole('form', { name: 'Card payment' }).getByRole('button', { name: /^Pay / }).click();
      await page.waitForURL(orderUrl);
      expect(payUrl).toMatch(/\/pay\//);
      await eventually(() => page.getByTestId('order-status').getAttribute('data-status'), 30_000).toBe('CONFIRMED');
      await screenshot(page, 'pay-05-retry-confirmed');
    } finally {
      await context.close();
    }
  }, 60_000);
});

/**
 * Whether this server keeps an order payable after a decline (its 402 answer says `retryable: true`). Servers
 * before issue 20 end the order FAILED at the first decline.
 */
async function declinedOrdersStayPayable(base: string, shopper: { email: string; password: string }): Promise<boolean> {
  const api = await ApiSetup.signIn(base, shopper);
  const { items } = await api.call<{ items: { id: string; name: string }[] }>('GET', '/api/products?size=100');
  const productId = items.find((product) => product.name === 'Everyday Tee')?.id;
  const { orderId } = await api.call<{ orderId: string }>('POST', '/api/orders', { productId, quantity: 1 });
  await expect
    .poll(async () => (await api.call<{ order: { status: string } }>('GET', `/api/orders/${orderId}`)).order.status)
    .toBe('PAYMENT_PENDING');
  const { paymentLink } = await api.call<{ paymentLink: string }>('POST', '/api/payments/initiate', { orderId });
  const card = { number: DECLINED_CARD, expMonth: 12, expYear: 2040, cvc: '123', holder: 'Probe' };
  const declined = await fetch(`${base}/api/payments/process`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ token: paymentLink.split('/').at(-1), card }),
  });
  expect(declined.status).toBe(402);
  const problem = (await declined.json()) as { retryable?: boolean };
  await api.call('POST', `/api/orders/${orderId}/cancel`).catch(() => undefined);
  return problem.retryable === true;
}
