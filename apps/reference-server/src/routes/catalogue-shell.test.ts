import { describe, expect, it } from 'vitest';
import { cachedShell, renderCatalogueShell, type ShellProduct } from './catalogue-shell.js';

const TEMPLATE = '<html><body><div id="root"></div><script type="module" src="/assets/index.js"></script></body></html>';
const product = (fields: Partial<ShellProduct>): ShellProduct => ({
  id: 'p-1',
  name: 'Tee',
  description: '',
  price: { amount: 3_500, currency: 'USD' },
  maxQuantityPerCustomer: 2,
  saleStartsAt: null,
  stock: { available: 40, restockedTotal: 50 },
  ...fields,
});
const page = (items: ShellProduct[]) => ({ items, page: 0, size: 100, total: items.length });

describe('the server-rendered catalogue', () => {
  it('writes names, prices, stock words and links before the root element, and the same page as JSON', () => {
    const html = renderCatalogueShell(
      TEMPLATE,
      page([
        product({}),
        product({ id: 'p-2', name: 'Pin', price: { amount: 1_200, currency: 'JPY' }, stock: { available: 3, restockedTotal: 100 } }),
        product({ id: 'p-3', name: 'Sold', stock: { available: 0, restockedTotal: 10 } }),
        product({ id: 'p-4', name: 'Later', saleStartsAt: new Date(2_000).toISOString() }),
        product({ id: 'p-5', name: 'Forint', price: { amount: 12_345, currency: 'HUF' } }),
      ]),
      1_000,
    );
    expect(html.indexOf('id="lc-shell"')).toBeLessThan(html.indexOf('<div id="root"></div>'));
    expect(html).toContain('$35.00');
    expect(html).toContain('¥1,200');
    // ISO 4217 digits, not ICU's display custom (which shows HUF without decimals: 12,345 fillér as "HUF 12,345").
    expect(html).toContain('HUF\u00a0123.45');
    expect(html).toContain('Available · 40 left');
    expect(html).toContain('Selling fast · 3 left');
    expect(html).toContain('>Sold out<');
    expect(html).toContain('>Coming soon<');
    expect(html).toContain('href="/products/p-1"');
    const json = /<script type="application\/json" id="lc-catalogue">(.*?)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(json!).items).toHaveLength(5);
  });

  it('escapes what staff typed, in text, attributes and the JSON', () => {
    const html = renderCatalogueShell(
      TEMPLATE,
      page([product({ id: 'a"b', name: '<img src=x onerror=alert(1)>', description: '</script><script>alert(2)</script> & "q"' })]),
      0,
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&amp; &quot;q&quot;');
    expect(html).toContain('href="/products/a%22b"');
    expect(html).toContain('id="shell-a&quot;b"');
    const json = /<script type="application\/json" id="lc-catalogue">(.*?)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(json!).items[0].description).toBe('</script><script>alert(2)</script> & "q"');
  });

  it('leaves a page without the root element as it is', () => {
    expect(renderCatalogueShell('<p>other</p>', page([product({})]), 0)).toBe('<p>other</p>');
  });

  it('renders at most once per window, shares a render in flight, and retries after a failure', async () => {
    let now = 0;
    let renders = 0;
    let fail = false;
    const shell = cachedShell(
      async () => {
        renders += 1;
        if (fail) throw new Error('store down');
        return `page ${renders}`;
      },
      1_000,
      () => now,
    );
    await expect(Promise.all([shell(), shell(), shell()])).resolves.toEqual(['page 1', 'page 1', 'page 1']);
    now = 999;
    await expect(shell()).resolves.toBe('page 1');
    now = 1_000;
    fail = true;
    await expect(shell()).rejects.toThrow('store down');
    fail = false;
    await expect(shell()).resolves.toBe('page 3');
    expect(renders).toBe(3);
  });
});
