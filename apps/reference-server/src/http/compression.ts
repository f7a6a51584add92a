import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/compress';
import type { AppEnv } from './context.js';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Encodings this server writes, best first. */
const ENCODINGS = ['br', 'gzip'] as const;
type Encoding = (typeof ENCODINGS)[number];

export interface CompressionOptions {
  /** Bodies smaller than this are sent as they are: compressing them saves less than the header costs. Default 1024. */
  readonly thresholdBytes?: number;
}

/** The best encoding the request accepts (`q` > 0), br before gzip at equal weight; null when it accepts neither. */
export function acceptedEncoding(header: string | undefined): Encoding | null {
  if (header === undefined) return null;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  let best: { encoding: Encoding; weight: number } | null = null;
  for (const encoding of ENCODINGS) {
    const weight = weights.get(encoding) ?? weights.get('*') ?? 0;
    if (weight > 0 && (best === null || weight > best.weight)) best = { encoding, weight };
  }
  return best?.encoding ?? null;
}

/**
 * Compresses responses with br or gzip, as the request's `Accept-Encoding` allows: API JSON, problem documents and
 * any other compressible type (hono's list, which leaves out `text/event-stream`: a notification stream is never
 * buffered). Responses that already carry a `Content-Encoding` (the storefront's precompressed files), `no-transform`
 * ones, partial ones and small ones pass as they are.
 *
 * hono's own `compress()` knows gzip and deflate only (it runs on `CompressionStream`); brotli needs node:zlib. The body
 * is buffered: what gets here is a JSON document built in memory, or a static file the build did not precompress.
 * Brotli runs at quality 5: close to its best ratio on JSON at a fraction of quality 11's cost per request.
 */
export function compressResponses(options: CompressionOptions = {}): MiddlewareHandler<AppEnv> {
  const threshold = options.thresholdBytes ?? 1024;
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get('content-type');
    if (
      res.body === null ||
      c.req.method === 'HEAD' ||
      res.status === 206 ||
      res.status === 204 ||
      res.status === 304 ||
      res.headers.has('content-encoding') ||
      type === null ||
      !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) ||
      /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get('cache-control') ?? '')
    ) {
      return;
    }
    const declared = res.headers.get('content-length');
    if (declared !== null && Number(declared) < threshold) return;
    // Whatever the outcome, a cache must key this response on the request's Accept-Encoding.
    const vary = res.headers.get('vary');
    if (vary !== '*' && !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary ?? '')) {
      res.headers.set('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    }
    const encoding = acceptedEncoding(c.req.header('accept-encoding'));
    if (encoding === null) return;
    const raw = Buffer.from(await res.arrayBuffer());
    if (raw.length < threshold) {
      c.res = new Response(raw, { status: res.status, statusText: res.statusText, headers: { 'content-type': type } });
      return;
    }
    const body =
      encoding === 'br'
        ? await brotli(raw, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 5,
              [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
              [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
            },
          })
        : await gzipped(raw, { level: 6 });
    // Hono carries the previous response's headers (but its content-type) over on assignment; the ones that change are
    // set after it.
    c.res = new Response(body, { status: res.status, statusText: res.statusText, headers: { 'content-type': type } });
    c.res.headers.set('content-encoding', encoding);
    c.res.headers.set('content-length', String(body.length));
    const etag = c.res.headers.get('etag');
    if (etag !== null && !etag.startsWith('W/')) c.res.headers.set('etag', `W/${etag}`);
  };
}
