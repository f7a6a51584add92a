import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { DEFAULT_STREAM_LIMITS } from '@limitedcart/plugin-sse-notifications';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { clientIp } from '../http/client-ip.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { ApiProblem } from '../http/problem.js';
import type { StockUpdate, StockWatch } from '../http/stock-watch.js';
import { problem } from './schemas.js';

/** Products one stream may watch: a catalogue page. */
export const MAX_STREAM_PRODUCTS = 100;
/** Stock streams one client address may hold open on a process by default: tabs of a household behind one NAT. */
export const DEFAULT_STOCK_STREAMS_PER_ADDRESS = 32;
const ID = /^[\x21-\x7e]{1,200}$/;

/**
 * `GET /stock/stream?productId=…` (repeatable): the shopper-facing stock of the named products as server-sent events,
 * public. Each `stock` event is one product's `{productId, available, restockedTotal}`, sent when the stream opens
 * (for products this process already reads) and whenever it changes; reads are shared by every viewer of the process
 * (see stock-watch.ts). Streams in total are capped like the notification streams, and so are the streams of one
 * client address (after TRUST_PROXY), so that one address cannot take every slot of a public route from the
 * shoppers of a drop (429 `TOO_MANY_STREAMS` either way; the storefront polls meanwhile).
 */
export function stockStreamRoutes(deps: AppDeps, watch: StockWatch) {
  const app = new Hono<AppEnv>();
  const limit = deps.sseLimits?.total ?? DEFAULT_STREAM_LIMITS.total;
  const perAddress = deps.stockStreamsPerAddress ?? DEFAULT_STOCK_STREAMS_PER_ADDRESS;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  let open = 0;
  const openByAddress = new Map<string, number>();
  app.get('/stock/stream', (c) => {
    const ids = [...new Set(c.req.queries('productId') ?? [])];
    if (ids.length === 0 || ids.length > MAX_STREAM_PRODUCTS || !ids.every((id) => ID.test(id))) {
      throw new ApiProblem(400, 'VALIDATION', `productId: 1 to ${MAX_STREAM_PRODUCTS} product ids (1-200 visible ASCII characters each)`);
    }
    if (open >= limit) throw new ApiProblem(429, 'TOO_MANY_STREAMS', 'too many stock streams open');
    const address = clientIp(c, deps.limits.trustProxy);
    const mine = openByAddress.get(address) ?? 0;
    if (mine >= perAddress) throw new ApiProblem(429, 'TOO_MANY_STREAMS', `at most ${perAddress} stock streams per client address`);
    open += 1;
    openByAddress.set(address, mine + 1);
    c.header('cache-control', 'no-cache, no-transform');
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      const queue: StockUpdate[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = watch.watch(ids, (update) => {
        queue.push(update);
        wake?.();
      });
      const stop = () => wake?.();
      stream.onAbort(stop);
      deps.shutdownSignal.addEventListener('abort', stop, { once: true });
      try {
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ productIds: ids, serverTime: deps.engine.useCases.now().toISOString() }) });
        let lastWrite = Date.now();
        while (!stream.aborted && !stream.closed && !deps.shutdownSignal.aborted) {
          while (queue.length > 0) {
            await stream.writeSSE({ event: 'stock', data: JSON.stringify(queue.shift()) });
            lastWrite = Date.now();
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, Math.max(0, lastWrite + heartbeatMs - Date.now())).unref();
          });
          wake = null;
          if (queue.length === 0 && !stream.aborted && Date.now() - lastWrite >= heartbeatMs) {
            await stream.write(': heartbeat\n\n');
            lastWrite = Date.now();
          }
        }
      } finally {
        unsubscribe();
        open -= 1;
        const left = (openByAddress.get(address) ?? 1) - 1;
        if (left > 0) openByAddress.set(address, left);
        else openByAddress.delete(address);
        deps.shutdownSignal.removeEventListener('abort', stop);
      }
    });
  });
  return app;
}

/** The stream is a plain Hono route; it is added to the OpenAPI document by hand. */
export function documentStockStream(app: OpenAPIHono<AppEnv>, path: string): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path,
    tags: ['products'],
    summary: 'Live stock of products as server-sent events (public)',
    description:
      'A `ready` event (`{productIds, serverTime}`) opens the stream; then a `stock` event ' +
      '(`{productId, available, restockedTotal}`) for each product when its stock is first known and whenever it ' +
      'changes (held units coming back, a restock, a sale). Each server process reads each watched product once a ' +
      'second, however many shoppers watch it. Products not on sale to shoppers send nothing. Comment heartbeats ' +
      'keep the stream alive; it is never compressed.',
    request: {
      query: z.object({
        productId: z
          .array(z.string().regex(ID))
          .min(1)
          .max(MAX_STREAM_PRODUCTS)
          .openapi({ description: `The products to watch, 1 to ${MAX_STREAM_PRODUCTS}: repeat the parameter.` }),
      }),
    },
    responses: {
      200: { description: 'An event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      429: problem('Too many stock streams open on this server, or from this client address (`TOO_MANY_STREAMS`); retry later.'),
    },
  });
}
