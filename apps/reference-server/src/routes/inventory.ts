import { createRoute, z } from '@hono/zod-openapi';
import { type RestockResult, stockTotals } from '@limitedcart/core';
import { actorOf, authenticate, requireRole } from '../http/auth.js';
import type { AppDeps } from '../http/context.js';
import { IDEMPOTENCY_HEADER, replayedHeader } from '../http/idempotency-key.js';
import { mount, router } from '../http/route.js';
import { AUTH_PROBLEMS, BEARER, IdempotencyHeader, jsonBody, jsonContent, problem, nonBlankText, StockLineSchema } from './schemas.js';

const RestockBody = z
  .strictObject({
    productId: nonBlankText().max(200),
    quantity: z.number().int().min(1).max(1_000_000),
  })
  .openapi('Restock');

const snapshotFields = { available: z.number().int(), held: z.number().int(), sold: z.number().int(), restockedTotal: z.number().int() };
const SnapshotSchema = z.object(snapshotFields).openapi('StockSnapshot');
/**
 * Inline rather than a nullable $ref: OpenAPI 3.0 puts `nullable` beside a `$ref` in an `allOf`, which validators
 * read as "an object, and also anything" and so refuse the null the report sends.
 */
const NullableSnapshot = z.object(snapshotFields).nullable();

const RestockResultSchema = z
  .object({ productId: z.string(), applied: z.boolean(), stock: SnapshotSchema })
  .openapi('RestockResult');

const StockQuery = z.object({
  productId: z.union([nonBlankText().max(200), z.array(nonBlankText().max(200)).max(100)]).optional(),
});

const ReconcileSku = z.object({
  sku: z.string(),
  inSync: z.boolean(),
  ledger: NullableSnapshot,
  admit: NullableSnapshot,
  delta: SnapshotSchema,
  holdMismatches: z.number().int(),
});
const ReconcileReport = z
  .object({ mode: z.enum(['tiered', 'ledger']), inSync: z.boolean(), skus: z.array(ReconcileSku) })
  .openapi('ReconcileReport');

const snapshotView = (result: RestockResult) => ({
  available: result.snapshot.available,
  held: result.snapshot.held,
  sold: result.snapshot.sold,
  restockedTotal: result.snapshot.restockedTotal,
});

export function inventoryRoutes(deps: AppDeps) {
  const app = router();
  const { engine, auth } = deps;
  const staff = [authenticate(auth.tokens), requireRole('ADMIN', 'WAREHOUSE')];
  const admin = [authenticate(auth.tokens), requireRole('ADMIN')];

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/restock',
      tags: ['inventory'],
      summary: 'Add units of a product to the gate',
      security: BEARER,
      middleware: staff,
      request: { headers: IdempotencyHeader, ...jsonBody(RestockBody) },
      responses: {
        200: jsonContent(RestockResultSchema, 'The stock after the restock; `applied: false` for a repeated operation.'),
        400: problem('Invalid body (`VALIDATION`).'),
        404: problem('No such product.'),
        409: problem('The same Idempotency-Key is still in flight (`IDEMPOTENCY_IN_FLIGHT`).'),
        422: problem('The Idempotency-Key was used with another body (`IDEMPOTENCY_MISMATCH`).'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const idempotencyKey = c.req.header(IDEMPOTENCY_HEADER);
      // The key also makes the gate's operation id, so a retry that reaches another replica adds stock once.
      const result = await engine.useCases.restock({ ...body, actor: actorOf(c), ...(idempotencyKey === undefined ? {} : { idempotencyKey }) });
      replayedHeader(c, result.replayed);
      return c.json({ productId: body.productId, applied: result.applied, stock: snapshotView(result) }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/stock',
      tags: ['inventory'],
      summary: 'Available / held / sold per product',
      security: BEARER,
      middleware: staff,
      request: { query: StockQuery },
      responses: {
        200: jsonContent(z.object({ items: z.array(StockLineSchema) }), 'One line per product.'),
        404: problem('A productId names no product.'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const { productId } = c.req.valid('query');
      const ids = productId === undefined ? undefined : Array.isArray(productId) ? productId : [productId];
      return c.json({ items: await engine.useCases.getStockSummary(ids) }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/summary',
      tags: ['inventory'],
      summary: 'Stock totals over every product, with the per-product lines',
      security: BEARER,
      middleware: staff,
      responses: {
        200: jsonContent(
          z.object({ totals: SnapshotSchema, products: z.number().int(), items: z.array(StockLineSchema) }),
          'Totals and lines.',
        ),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const items = await engine.useCases.getStockSummary();
      return c.json({ totals: stockTotals(items), products: items.length, items }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/reconcile',
      tags: ['inventory'],
      summary: 'Drift between the admission gate and the ledger',
      security: BEARER,
      middleware: admin,
      responses: { 200: jsonContent(ReconcileReport, 'Per-SKU comparison.'), ...AUTH_PROBLEMS },
    }),
    async (c) => c.json(await engine.useCases.reconcileStock({ repair: false, actor: actorOf(c) }), 200),
  );

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/reconcile',
      tags: ['inventory'],
      summary: 'Repair drift: rebuild the admission gate from the ledger',
      security: BEARER,
      middleware: admin,
      responses: { 200: jsonContent(ReconcileReport, 'The drift found before repairing.'), ...AUTH_PROBLEMS },
    }),
    async (c) => c.json(await engine.useCases.reconcileStock({ repair: true, actor: actorOf(c) }), 200),
  );

  return app;
}
