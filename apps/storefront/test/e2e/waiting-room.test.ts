import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { ApiSetup } from './api.js';
import { atLeastSerious, axeViolations } from './axe.js';
import { describeInBrowser, eventually, registerShopper, screenshot, signIn } from './browser.js';
import { payWith, uniqueEmail } from './flows.js';
import { browserSuite } from './suite.js';

const PHONE = { width: 390, height: 844 };
const PASSWORD = 'correct horse battery';

/** A `datetime-local` value with seconds, `ms` from now, in the browser's (= this machine's) time zone. */
const localInput = (ms: number) => new Date(Date.now() + ms - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 19);

/** A shopper signed in over the API (set-up, not what the test looks at). */
async function apiShopper(base: string, who: string): Promise<ApiSetup> {
  const account = { email: uniqueEmail(who), password: PASSWORD };
  const registered = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (registered.status !== 201) throw new Error(`register ${who}: ${registered.status} ${await registered.text()}`);
  return ApiSetup.signIn(base, account);
}

const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
const room = (page: Page) => page.getByTestId('waiting-room');

describeInBrowser('the waiting room of a queued drop', () => {
  const suite = browserSuite({
    PAYMENT_WINDOW_SECONDS: '300',
    QUEUE_ADMIT_INTERVAL_MS: '250',
  });

  it('an admin queues a drop; a shopper waits in line, is admitted, buys with the token; a later shopper is told it sold out', async () => {
    const adminApi = await ApiSetup.signIn(suite.server.url, suite.server.admin);
    const name = `Queued Drop ${Date.now().toString(36)}`;
    const productId = await adminApi.product(name, 1, { limit: 1 });
    const admin = await suite.openWindow();
    const shopper = await suite.openWindow();
    const late = await suite.openWindow(PHONE);
    try {
      // The admin sets up a first-come waiting room that opens in 20 s, with a turn of two minutes.
      await signIn(admin.page, suite.server.admin.email, suite.server.admin.password);
      await admin.page.goto('/admin/products');
      await admin.page.getByRole('button', { name: `Waiting room of ${name}` }).click();
      const form = admin.page.getByRole('form', { name: `Waiting room of ${name}` });
      await form.waitFor();
      await form.getByLabel(/^Sale opens at/).fill(localInput(20_000));
      await form.getByText('First come, first served').click();
      await form.getByLabel(/^Turn length/).fill('120');
      await form.getByLabel(/^Abandonment margin/).fill('0');
      await form.getByRole('button', { name: 'Save waiting room' }).click();
      await admin.page.getByTestId('queue-saved').waitFor();
      await eventually(() => admin.page.getByTestId('queue-status').getAttribute('data-state')).toBe('OPEN');
      await screenshot(admin.page, 'queue-01-admin-configured');

      // Two shoppers got in line first (over the API).
      const ahead = [await apiShopper(suite.server.url, 'ahead1'), await apiShopper(suite.server.url, 'ahead2')];
      for (const other of ahead) await other.call('POST', `/api/drops/${productId}/queue`, {});

      // Without a turn, the order endpoint refuses a queued drop.
      const refused = await ahead[0]!.send('POST', '/api/orders', { productId, quantity: 1 });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { code: string }).code).toBe('ADMISSION_REQUIRED');

      // The shopper finds "Join the waiting room" instead of Buy, joins and sees their place.
      await registerShopper(shopper.page, uniqueEmail('waiter'), PASSWORD);
      await shopper.page.goto(`/products/${productId}`);
      expect(await shopper.page.getByRole('button', { name: 'Buy now' }).count()).toBe(0);
      await shopper.page.getByRole('link', { name: 'Join the waiting room' }).click();
      await eventually(() => room(shopper.page).getAttribute('data-state')).toBe('WAITING');
      await eventually(() => shopper.page.getByTestId('queue-position').getAttribute('data-position')).toBe('3');
      expect(await shopper.page.title()).toBe("You're in line · LimitedCart");
      await screenshot(shopper.page, 'queue-02-in-line-before-opening');

      // The sale opens: the shoppers ahead are let in, and this shopper moves up.
      await eventually(() => shopper.page.getByTestId('queue-position').getAttribute('data-position'), 40_000).not.toBe('3');
      expect(atLeastSerious(await axeViolations(shopper.page))).toEqual([]);
      await screenshot(shopper.page, 'queue-03-in-line-after-opening');

      // The shoppers ahead give up their turns: this shopper's page moves to the buy step on its own.
      for (const other of ahead) await other.call('DELETE', `/api/drops/${productId}/queue/me`);
      await eventually(() => room(shopper.page).getAttribute('data-state'), 20_000).toBe('ADMITTED');
      await eventually(() => shopper.page.getByTestId('admission-countdown').textContent()).toMatch(/^Your turn ends in [0-2]:\d\d$/);
      await eventually(() => shopper.page.evaluate(() => document.activeElement?.textContent)).toBe("It's your turn");
      expect(atLeastSerious(await axeViolations(shopper.page))).toEqual([]);
      await screenshot(shopper.page, 'queue-04-your-turn');
      await shopper.page.getByRole('button', { name: 'Buy now' }).click();
      await shopper.page.waitForURL(/\/orders\/[^/]+$/);
      await eventually(() => shopper.page.getByTestId('order-status').getAttribute('data-status')).toBe('PAYMENT_PENDING');

      // A shopper who joins now, on a phone, waits behind a held unit...
      await registerShopper(late.page, uniqueEmail('late'), PASSWORD);
      await late.page.goto(`/products/${productId}/waiting-room?join=1`);
      await eventually(() => late.page.getByTestId('queue-position').getAttribute('data-position')).toBe('1');
      expect(await scrollsSideways(late.page)).toBe(false);
      await screenshot(late.page, 'queue-05-phone-in-line');

      // ...and is told it sold out once the first shopper paid for the last unit.
      await payWith(shopper.page, '4242424242424242');
      await eventually(() => shopper.page.getByTestId('order-status').getAttribute('data-status'), 30_000).toBe('CONFIRMED');
      await eventually(() => room(late.page).getAttribute('data-state'), 30_000).toBe('SOLD_OUT');
      expect(await late.page.getByTestId('queue-sold-out').textContent()).toContain('Every unit was sold');
      expect(await scrollsSideways(late.page)).toBe(false);
      expect(atLeastSerious(await axeViolations(late.page))).toEqual([]);
      await screenshot(late.page, 'queue-06-phone-sold-out');

      // The admin's status: closed, one entry used, the two who left abandoned, one turned away.
      await eventually(() => admin.page.getByTestId('queue-status').getAttribute('data-state')).toBe('SOLD_OUT');
      await eventually(() => admin.page.getByTestId('queue-used').textContent()).toBe('1');
      await eventually(() => admin.page.getByTestId('queue-abandoned').textContent()).toBe('2');
      await eventually(() => admin.page.getByTestId('queue-turned-away').textContent()).toBe('1');
      await screenshot(admin.page, 'queue-07-admin-sold-out');
    } finally {
      await admin.context.close();
      await shopper.context.close();
      await late.context.close();
    }
  }, 150_000);

  it('a raffle with proof of work: "Checking your browser…", then the draw time; accessible on a laptop and a phone', async () => {
    const adminApi = await ApiSetup.signIn(suite.server.url, suite.server.admin);
    const name = `Raffle Drop ${Date.now().toString(36)}`;
    const productId = await adminApi.product(name, 10, { limit: 1 });
    const opensAt = new Date(Date.now() + 3_600_000);
    await adminApi.call('PUT', `/api/admin/drops/${productId}/queue`, {
      opensAt: opensAt.toISOString(),
      mode: 'raffle-then-fifo',
      proofOfWork: { difficulty: 20_000 },
    });
    const laptop = await suite.openWindow({ width: 1366, height: 800 });
    const phone = await suite.openWindow(PHONE);
    const admin = await suite.openWindow({ width: 1366, height: 800 });
    const email = uniqueEmail('raffle');
    try {
      await registerShopper(laptop.page, email, PASSWORD);
      await laptop.page.goto(`/products/${productId}`);
      await laptop.page.getByTestId('waiting-room-entry').waitFor();
      expect(await laptop.page.getByTestId('waiting-room-entry').textContent()).toContain('random place in line');
      // The challenge answers slowly, so the words shown while the browser is checked can be read.
      await laptop.page.route('**/queue/challenge', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await route.continue();
      });
      await laptop.page.getByRole('link', { name: 'Join the waiting room' }).click();
      await eventually(() => laptop.page.getByTestId('queue-joining').textContent()).toContain('Checking your browser…');
      await screenshot(laptop.page, 'queue-08-checking-your-browser');
      await eventually(() => room(laptop.page).getAttribute('data-state'), 30_000).toBe('WAITING');
      const draw = laptop.page.getByTestId('queue-draw');
      const clock = opensAt.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
      await eventually(() => draw.textContent()).toBe(`The draw happens at ${clock}, 1 in it.`);
      expect(await laptop.page.title()).toBe("You're in the draw · LimitedCart");
      const violations = await axeViolations(laptop.page);
      console.log(`axe on the waiting room (laptop): ${violations.map((v) => `${v.id}(${v.impact},${v.nodes})`).join(' ') || 'no violations'}`);
      expect(atLeastSerious(violations)).toEqual([]);
      await screenshot(laptop.page, 'queue-09-laptop-draw');

      // The same shopper on a phone: the page reads the same ticket, nothing scrolls sideways.
      await signIn(phone.page, email, PASSWORD);
      await phone.page.goto(`/products/${productId}`);
      await phone.page.getByRole('link', { name: 'Back to the waiting room' }).click();
      await eventually(() => phone.page.getByTestId('queue-draw').textContent()).toBe(`The draw happens at ${clock}, 1 in it.`);
      expect(await scrollsSideways(phone.page)).toBe(false);
      expect(atLeastSerious(await axeViolations(phone.page))).toEqual([]);
      await screenshot(phone.page, 'queue-10-phone-draw');

      // The admin's panel: settings refused beside their field as the API would refuse them, and the status.
      await signIn(admin.page, suite.server.admin.email, suite.server.admin.password);
      await admin.page.goto('/admin/products');
      await admin.page.getByRole('button', { name: `Waiting room of ${name}` }).click();
      const form = admin.page.getByRole('form', { name: `Waiting room of ${name}` });
      await eventually(() => admin.page.getByTestId('queue-waiting').textContent()).toBe('1');
      await form.getByLabel(/^Turn length/).fill('4');
      await form.getByLabel(/^Difficulty/).fill('20000000');
      await form.getByRole('button', { name: 'Save waiting room' }).click();
      await eventually(() => form.getByText('The turn length must be at least 5.').count()).toBe(1);
      await eventually(() => form.getByText('The difficulty can be at most 10,000,000.').count()).toBe(1);
      await admin.page.waitForFunction(() =>
        document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getComputedTiming().endTime === Infinity),
      );
      expect(atLeastSerious(await axeViolations(admin.page))).toEqual([]);
      await screenshot(admin.page, 'queue-11-admin-panel-validation');
    } finally {
      await laptop.context.close();
      await phone.context.close();
      await admin.context.close();
    }
  }, 90_000);
});
