import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, eventually, registerShopper, signIn } from './browser.js';
import { uniqueEmail } from './flows.js';
import { browserSuite } from './suite.js';

/** Everything a script on the page could read: web storage and the cookies visible to `document.cookie`. */
const readableByScripts = (page: Page) =>
  page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookies: document.cookie }));

describeInBrowser('session tokens', () => {
  // Short access tokens, so the refresh before expiry happens within the test.
  const suite = browserSuite({ ACCESS_TOKEN_TTL_SECONDS: '10' });

  it('keeps no token where a script can read it, survives a reload through the refresh cookie, and signs out on the server', async () => {
    const { context, page } = await suite.openWindow();
    try {
      await signIn(page, suite.server.admin.email, suite.server.admin.password);
      await page.goto('/admin');
      // A JWT starts with "eyJ"; the refresh token is 43 base64url characters: neither may be readable.
      const [refresh] = (await context.cookies()).filter((cookie) => cookie.name === 'limitedcart_refresh');
      expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/auth' });
      const readable = await readableByScripts(page);
      expect(readable).not.toMatch(/eyJ/);
      expect(readable).not.toContain(refresh!.value);

      // A reload restores the session from the cookie alone.
      await page.reload();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await eventually(() => page.getByTestId('live-state').getAttribute('data-state')).toBe('open');

      // Before the 10 s token expires the page refreshes it by itself, and keeps working past its lifetime.
      const before = (await context.cookies()).find((cookie) => cookie.name === 'limitedcart_refresh')!.value;
      await page.waitForResponse((response) => response.url().endsWith('/api/auth/refresh') && response.status() === 200, { timeout: 15_000 });
      await page.waitForResponse((response) => response.url().endsWith('/api/auth/refresh') && response.status() === 200, { timeout: 15_000 });
      expect((await context.cookies()).find((cookie) => cookie.name === 'limitedcart_refresh')!.value).not.toBe(before);
      await page.goto('/admin/users');
      await page.getByRole('checkbox', { name: `ADMIN role for ${suite.server.admin.email}` }).waitFor();
      await eventually(() => page.getByTestId('live-state').getAttribute('data-state')).toBe('open');

      const current = (await context.cookies()).find((cookie) => cookie.name === 'limitedcart_refresh')!.value;
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).first().waitFor();
      await eventually(async () => (await context.cookies()).some((cookie) => cookie.name === 'limitedcart_refresh')).toBe(false);
      // The server ended the session: its last refresh token is dead even if someone kept a copy.
      const replay = await fetch(`${suite.server.url}/api/auth/refresh`, { method: 'POST', headers: { cookie: `limitedcart_refresh=${current}` } });
      expect(replay.status).toBe(401);
      await page.reload();
      await page.getByRole('button', { name: 'Sign in' }).first().waitFor();
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a refresh whose answer was lost (the server rotated, the browser kept the old cookie) does not end the session', async () => {
    const { context, page } = await suite.openWindow();
    try {
      await signIn(page, suite.server.admin.email, suite.server.admin.password);
      await page.goto('/admin');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      // The next refresh reaches the server, which rotates the token, but its answer never reaches the page.
      let lost = 0;
      await page.route('**/api/auth/refresh', async (route) => {
        const { cookie = '' } = await route.request().allHeaders();
        const answer = await fetch(route.request().url(), { method: 'POST', headers: { cookie } });
        expect(answer.status, 'the server rotated the token').toBe(200);
        lost += 1;
        await route.abort('connectionreset');
      });
      await page.reload();
      await eventually(() => lost).toBeGreaterThan(0);
      await page.unroute('**/api/auth/refresh');
      // The browser still holds the token the server retired; the next load sends it and is signed in again.
      await page.reload();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await page.goto('/admin/users');
      await page.getByRole('checkbox', { name: `ADMIN role for ${suite.server.admin.email}` }).waitFor();
    } finally {
      await context.close();
    }
  }, 60_000);

  it("an admin locks a shopper: the shopper's open session ends and signing in is refused", async () => {
    const admin = await suite.openWindow();
    const shopper = await suite.openWindow();
    const email = uniqueEmail('locked');
    try {
      await registerShopper(shopper.page, email, 'correct horse battery');
      await signIn(admin.page, suite.server.admin.email, suite.server.admin.password);
      await admin.page.goto('/admin/users');
      const lock = admin.page.getByRole('checkbox', { name: `Lock ${email}` });
      await lock.click();
      await eventually(() => lock.isChecked()).toBe(true);

      // The shopper's next call is refused, the refresh too, and the page signs out.
      await shopper.page.goto('/orders');
      await shopper.page.waitForURL(/\/login/);
      await shopper.page.getByLabel('Email').fill(email);
      await shopper.page.getByLabel(/^Password/).fill('correct horse battery');
      await shopper.page.getByRole('form', { name: 'Sign in' }).getByRole('button', { name: 'Sign in' }).click();
      await shopper.page.getByRole('alert').filter({ hasText: 'This account is locked' }).waitFor();
    } finally {
      await admin.context.close();
      await shopper.context.close();
    }
  }, 60_000);
});
