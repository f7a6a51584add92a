import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchBrowser, openWindow, takePageErrors } from './browser.js';
import { ensureBuilt } from './build.js';
import { startTestServer, type TestServer } from './server.js';

/** What a browser suite's tests run against. Read it inside tests and hooks: it exists once the suite started. */
export interface BrowserSuite {
  readonly server: TestServer;
  readonly browser: Browser;
  /** A new window on the server (see `openWindow`). */
  openWindow(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
}

/**
 * The lifecycle every storefront browser suite shares; call it inside `describeInBrowser`. Before the tests
 * it builds the storefront if stale, then starts a reference server (settings from `env`) and Chromium;
 * after each test it fails on any uncaught page error; at the end it stops both.
 */
export function browserSuite(env: Record<string, string>): BrowserSuite {
  let server: TestServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    server = await startTestServer(env);
    browser = await launchBrowser();
  }, 120_000);

  afterEach(() => {
    expect(takePageErrors()).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the suite's ${what} is not started yet: use it inside a test or hook`);
    return value;
  };
  return {
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    openWindow(viewport) {
      return openWindow(started(browser, 'browser'), started(server, 'server').url, viewport);
    },
  };
}
