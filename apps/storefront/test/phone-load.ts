/**
 * Time to a usable catalogue on a throttled phone: `pnpm bench:phone [URL] [RUNS]` against a running server
 * (default http://127.0.0.1:8080/, 3 runs). Each run is a cold visit in Debian's Chromium at 390×844 with the CPU
 * slowed 4× and the network at 1.6 Mbps down / 750 kbps up / 150 ms round trip, and reports when the first text
 * appeared, when the first seeded product ("Everyday Tee") was visible, the browser's first contentful paint, when
 * the app itself had drawn a product card, and the bytes that crossed the wire (by the time the product was visible,
 * and in all once the network is idle).
 * A measurement, not a test: it asserts nothing.
 */
import { chromium } from 'playwright-core';
import { CHROMIUM } from './e2e/browser.js';

const url = process.argv[2] ?? 'http://127.0.0.1:8080/';
const runs = Number(process.argv[3] ?? 3);
const PRODUCT = 'Everyday Tee';

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic'] });
try {
  for (let run = 1; run <= runs; run++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (event) => {
      bytes += event.encodedDataLength;
    });
    const started = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    // biome-ignore lint/performance/useDomNodeTextContent: rendered text is what the shopper sees; textContent counts hidden text too
    await page.waitForFunction(() => (document.body?.innerText.trim().length ?? 0) > 0, null, { timeout: 60_000 });
    const firstTextMs = Date.now() - started;
    await page.getByText(PRODUCT).first().waitFor({ state: 'visible', timeout: 60_000 });
    const usableMs = Date.now() - started;
    const bytesVisible = bytes;
    // The DOM can hold text before anything is painted (a stylesheet in the head holds the first paint back), so the
    // browser's own first contentful paint is reported too; then the moment the app itself drew the catalogue.
    await page.getByTestId('product-card').first().waitFor({ state: 'visible', timeout: 60_000 });
    const appMs = Date.now() - started;
    const paintMs = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN);
    await page.waitForLoadState('networkidle');
    console.log(
      `run ${run}: first paint ${Math.round(paintMs)} ms, first text ${firstTextMs} ms, "${PRODUCT}" visible ${usableMs} ms ` +
        `(${bytesVisible.toLocaleString('en')} bytes by then), app drawn ${appMs} ms, ${bytes.toLocaleString('en')} bytes on the wire in all`,
    );
    await context.close();
  }
} finally {
  await browser.close();
}
