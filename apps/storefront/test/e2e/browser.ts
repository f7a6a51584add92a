import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { STOREFRONT_DIR } from './build.js';

/** Debian's Chromium; no browser is ever downloaded. */
export const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(STOREFRONT_DIR, 'test', 'screenshots');

/** Why browser suites cannot run here, or null. */
export const BROWSER_MISSING = existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (apt-get install -y chromium)`;

/**
 * `describe` for a browser suite. Without Chromium the suite is skipped with the reason printed — except in CI
 * (`CI` set), where it runs and fails loudly, because CI must run the browser tests.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (BROWSER_MISSING && !process.env.CI) {
    console.warn(`skipping browser suite "${name}": ${BROWSER_MISSING}`);
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}

/** Headless Chromium with a fresh temporary profile (playwright creates and removes the user-data-dir). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A separate window with its own storage: one signed-in person. */
export async function openWindow(browser: Browser, baseURL: string, viewport = { width: 1280, height: 860 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  // A Content-Security-Policy violation is a page error too: the storefront must run under its CSP untouched.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(`${page.url()}: ${message.text()}`);
  });
  return { context, page };
}

const pageErrors: string[] = [];

/** Uncaught exceptions and CSP violations in any window since the last call (each test expects none). */
export function takePageErrors(): string[] {
  return pageErrors.splice(0);
}

/** Saves a full-page screenshot as `test/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Signs in through the login form and waits for the landing page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await submitSignIn(page, email, password);
}

/** Fills and submits the sign-in form already on the page. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('form', { name: 'Sign in' }).getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Registers a new shopper through the form (signs them in). */
export async function registerShopper(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Create account' }).last().click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * Waits until `read()` satisfies the matcher that follows. Pages load and live data arrive on their own
 * schedule, so every check of rendered state waits (15 s by default) instead of reading once.
 */
export const eventually = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout, interval: 100 });
