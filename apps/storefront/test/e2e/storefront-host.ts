import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { DIST_DIR } from './build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface StorefrontHost {
  /** This host's origin, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string;
  /** Points the storefront at an API on another origin (the meta tag it reads). */
  useApi(apiOrigin: string): void;
  stop(): Promise<void>;
}

/**
 * The storefront build on an origin of its own, as a CDN or a separate web server would host it: the files of
 * apps/storefront/dist, index.html for client routes, with a `limitedcart-api` meta tag naming the API origin and
 * a CSP of its own that allows calls to that origin only.
 */
export async function startStorefrontHost(): Promise<StorefrontHost> {
  let apiOrigin = '';
  const server: Server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname));
    const file = path.startsWith('/assets/') ? join(DIST_DIR, path) : null;
    const csp = `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src ${apiOrigin}; frame-ancestors 'none'`;
    try {
      if (file?.startsWith(DIST_DIR)) {
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(await readFile(file));
        return;
      }
      const index = await readFile(join(DIST_DIR, 'index.html'), 'utf8');
      response.writeHead(200, { 'content-type': TYPES['.html']!, 'content-security-policy': csp });
      response.end(index.replace('<head>', `<head>\n    <meta name="limitedcart-api" content="${apiOrigin}" />`));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    useApi: (origin) => {
      apiOrigin = origin;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
