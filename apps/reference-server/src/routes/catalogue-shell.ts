/**
 * The catalogue rendered into the storefront's `index.html` on the server, so a shopper sees product names, prices
 * and stock words as soon as the HTML and its stylesheet arrive, before the app's JavaScript has loaded (on a slow
 * phone that is more than a second). The app takes over when it mounts: it reads the same products from the JSON
 * embedded beside the markup (no second request, no loading state) and removes the markup.
 */

import { formatMoney } from '@limitedcart/core';

/** One product as `GET /api/products` shows it to shoppers. */
export interface ShellProduct {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly price: { readonly amount: number; readonly currency: string };
  readonly maxQuantityPerCustomer: number;
  readonly saleStartsAt: string | null;
  readonly stock?: { readonly available: number; readonly restockedTotal: number };
}

export interface ShellPage {
  readonly items: readonly ShellProduct[];
  readonly page: number;
  readonly size: number;
  readonly total: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text and attribute values: every character HTML gives a meaning to is escaped. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** JSON inside a `<script type="application/json">`: no `<` can close the element or open a comment. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** The words of the storefront's stock badge (apps/storefront/src/components/stock-state.ts), same thresholds. */
function stockWords(product: ShellProduct, now: number): { state: string; words: string } {
  if (product.saleStartsAt && Date.parse(product.saleStartsAt) > now) return { state: 'upcoming', words: 'Coming soon' };
  const stock = product.stock;
  if (!stock) return { state: 'unknown', words: 'On sale' };
  if (stock.available <= 0) return { state: 'sold-out', words: 'Sold out' };
  if (stock.available <= 5 || stock.available <= stock.restockedTotal * 0.2) {
    return { state: 'selling-fast', words: `Selling fast · ${stock.available} left` };
  }
  return { state: 'available', words: `Available · ${stock.available} left` };
}

function card(product: ShellProduct, now: number): string {
  const { state, words } = stockWords(product, now);
  const id = escapeHtml(product.id);
  const name = escapeHtml(product.name);
  const limit = product.maxQuantityPerCustomer > 0 ? `Limit ${product.maxQuantityPerCustomer} per customer` : 'No limit';
  return (
    `<li><article class="lc-shell-card" aria-labelledby="shell-${id}">` +
    `<div class="lc-shell-row"><h2 id="shell-${id}">${name}</h2><span class="lc-shell-price">${escapeHtml(formatMoney(product.price))}</span></div>` +
    `<p class="lc-shell-description">${escapeHtml(product.description)}</p>` +
    `<span class="lc-shell-stock" data-state="${state}">${escapeHtml(words)}</span>` +
    `<div class="lc-shell-row"><span class="lc-shell-limit">${limit}</span>` +
    `<a class="lc-shell-view" href="/products/${encodeURIComponent(product.id)}" aria-label="View ${name}">View</a></div>` +
    '</article></li>'
  );
}

/**
 * `template` (the built index.html) with the catalogue before the app's root element: static markup in
 * `#lc-shell` and the page's JSON in `#lc-catalogue`. A template without `<div id="root"></div>` is returned as is.
 */
export function renderCatalogueShell(template: string, page: ShellPage, now: number): string {
  const root = '<div id="root"></div>';
  if (!template.includes(root)) return template;
  const items = page.items.length === 0 ? '<p>Nothing on sale right now.</p>' : `<ul class="lc-shell-grid">${page.items.map((p) => card(p, now)).join('')}</ul>`;
  const shell =
    '<div id="lc-shell" class="lc-shell">' +
    '<header class="lc-shell-header"><a href="/" class="lc-shell-brand">LimitedCart</a>' +
    '<nav aria-label="Account"><a href="/login">Sign in</a><a href="/register">Sign up</a></nav></header>' +
    `<main class="lc-shell-main"><h1>Drops</h1>${items}</main></div>` +
    `<script type="application/json" id="lc-catalogue">${scriptJson(page)}</script>`;
  return template.replace(root, `${shell}${root}`);
}

/**
 * The rendered page, made at most once per `ttlMs` however many shoppers ask (a drop's first second brings them
 * all at once): callers within the window share one render and one catalogue read.
 */
export function cachedShell(render: () => Promise<string>, ttlMs = 1_000, now: () => number = Date.now): () => Promise<string> {
  let cached: { at: number; html: Promise<string> } | null = null;
  return () => {
    const at = now();
    if (cached && at - cached.at < ttlMs) return cached.html;
    const html = render();
    cached = { at, html };
    // A failed render is not kept: the next request tries again.
    html.catch(() => {
      if (cached?.html === html) cached = null;
    });
    return html;
  };
}
