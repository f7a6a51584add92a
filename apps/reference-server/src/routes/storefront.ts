import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { cachedShell, renderCatalogueShell, type ShellPage } from './catalogue-shell.js';

const LANDING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LimitedCart</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>LimitedCart</h1>
<p>The API is running. The storefront build was not found, so this page stands in for it.</p>
<ul><li><a href="/api/docs">API documentation (Swagger UI)</a></li>
<li><a href="/api/openapi.json">OpenAPI document</a></li>
<li><a href="/api/products">Products</a></li></ul>
</body></html>`;

/** Vite names every file under `/assets/` after a hash of its content: a new build gets new names. */
const HASHED_ASSETS = '/assets/';
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The storefront at `/`: static files of its build, and `index.html` for any other GET outside `/api`, so the
 * single-page app's client-side routes (e.g. `/pay/<token>`) load on a full page request. Without a build,
 * `/` is a landing page pointing at the API docs.
 *
 * Files the build precompressed (`<file>.br`, `<file>.gz`, written by `scripts/precompress.mjs`) are sent as they
 * are to a browser that accepts them; anything else compressible is compressed by `compressResponses`. Hashed
 * assets are cached for a year (`immutable`); every other file, `index.html` first, is revalidated on each use
 * (`no-cache`), so a new build is picked up at once.
 *
 * With `catalogue`, `/` is `index.html` with the catalogue rendered into it (see catalogue-shell.ts), made at most
 * once a second; if the catalogue cannot be read the plain page is sent and the app loads it as usual.
 */
export function storefrontRoutes(dir: string | null, catalogue?: () => Promise<ShellPage>) {
  const app = new Hono<AppEnv>();
  if (dir === null || !existsSync(join(dir, 'index.html'))) {
    app.get('/', (c) => c.html(LANDING));
    return app;
  }
  const indexFile = join(dir, 'index.html');
  app.use('*', async (c, next) => {
    await next();
    if (c.req.path.startsWith('/api/') || (c.req.method !== 'GET' && c.req.method !== 'HEAD') || !c.res.ok) return;
    if (c.res.headers.has('cache-control')) return;
    c.res.headers.set('cache-control', c.req.path.startsWith(HASHED_ASSETS) ? IMMUTABLE : 'no-cache');
  });
  if (catalogue) {
    const shell = cachedShell(async () => renderCatalogueShell(await readFile(indexFile, 'utf8'), await catalogue(), Date.now()));
    app.get('/', async (c, next) => {
      if (!(c.req.header('accept') ?? '').includes('text/html')) return next();
      const html = await shell().catch(() => null);
      return html === null ? next() : c.html(html);
    });
  }
  app.use('*', serveStatic({ root: dir, precompressed: true }));
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || !(c.req.header('accept') ?? '').includes('text/html')) return next();
    return c.html(await readFile(indexFile, 'utf8'));
  });
  return app;
}
