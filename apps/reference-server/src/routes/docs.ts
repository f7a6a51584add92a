import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';

/** Swagger UI from the pinned `swagger-ui-dist` package, served by this server: no CDN, nothing loaded from elsewhere. */
const DIST = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The files the page needs, by the name it asks for them under, with their media types. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** The page: no inline script or style, so the CSP can forbid both (see http/security-headers.ts). */
const page = (base: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>LimitedCart API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="${base}/favicon-32x32.png">
<link rel="stylesheet" href="${base}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${base}/swagger-ui-bundle.js"></script>
<script src="${base}/init.js"></script>
</body>
</html>
`;

/** `validatorUrl: null`: the default sends the document to validator.swagger.io. */
const init = (openApiPath: string) => `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: ${JSON.stringify(openApiPath)}, dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });
});
`;

/**
 * `GET <base>` (the page) and `GET <base>/<asset>`. Assets are read once, at the first request for each; the package
 * version is pinned, so they are cacheable for a day.
 */
export function docsRoutes(base: string, openApiPath: string) {
  const app = new Hono<AppEnv>();
  const cache = new Map<string, Buffer>();
  app.get(base, (c) => c.html(page(base)));
  app.get(`${base}/init.js`, (c) => c.body(init(openApiPath), 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get(`${base}/:asset`, (c) => {
    const name = c.req.param('asset');
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (type === undefined) return c.notFound();
    let body = cache.get(name);
    if (body === undefined) {
      body = readFileSync(join(DIST, name));
      cache.set(name, body);
    }
    return c.body(new Uint8Array(body), 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
  return app;
}
