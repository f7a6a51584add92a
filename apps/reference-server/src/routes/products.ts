import { createRoute, z } from '@hono/zod-openapi';
import { PERMISSIONS } from '@limitedcart/core';
import { actorOf, authenticate, callerOf, requireRole } from '../http/auth.js';
import type { AppDeps } from '../http/context.js';
import { mount, router } from '../http/route.js';
import {
  AUTH_PROBLEMS,
  BEARER,
  IdParam,
  jsonBody,
  jsonContent,
  PagingQuery,
  pageOf,
  ProductCreateBody,
  ProductPatchBody,
  ProductReplaceBody,
  ProductSchema,
  problem,
  text,
} from './schemas.js';
import { entryView, productView } from './views.js';


const ListQuery = PagingQuery.extend({
  includeInactive: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'Staff only: also list inactive and archived products.' }),
});

const SearchQuery = z.object({
  q: text().max(200).openapi({ example: 'sneakr' }),
  page: PagingQuery.shape.page,
  size: PagingQuery.shape.size,
});

const ProductPage = pageOf(ProductSchema, 'ProductPage');
const productBody = z.object({ product: ProductSchema });

export function productRoutes(deps: AppDeps) {
  const app = router();
  const { engine, auth } = deps;
  const optionalAuth = authenticate(auth.tokens, { optional: true });

  // Registered before /{id} so that "search" is never taken for an id.
  mount(
    app,
    createRoute({
      method: 'get',
      path: '/search',
      tags: ['products'],
      summary: 'Typo-tolerant search over products on sale',
      request: { query: SearchQuery },
      responses: { 200: jsonContent(ProductPage, 'Matching products, best first.'), 400: problem('Bad query.') },
    }),
    async (c) => {
      const { q, page, size } = c.req.valid('query');
      const found = await engine.useCases.searchProducts({ query: q, page, size });
      return c.json({ items: found.items.map(entryView), page, size, total: found.total }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/',
      tags: ['products'],
      summary: 'Products on sale (staff may include inactive ones)',
      middleware: [optionalAuth] as const,
      request: { query: ListQuery },
      responses: { 200: jsonContent(ProductPage, 'A page of products.'), 400: problem('Bad paging.'), 401: AUTH_PROBLEMS[401] },
    }),
    async (c) => {
      const { page, size, includeInactive } = c.req.valid('query');
      const result = await engine.useCases.listProducts({ page, size, includeInactive: includeInactive === 'true', ...callerOf(c) });
      return c.json({ items: result.items.map(entryView), page, size, total: result.total }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['products'],
      summary: 'One product (inactive and archived ones only for staff)',
      middleware: [optionalAuth] as const,
      request: { params: IdParam },
      responses: {
        200: jsonContent(productBody, 'The product.'),
        401: problem('A token was sent and is not valid (expired, signed out, malformed) (`UNAUTHENTICATED`).'),
        404: problem('No such product on sale.'),
      },
    }),
    async (c) => {
      const entry = await engine.useCases.getProduct({ productId: c.req.valid('param').id, ...callerOf(c) });
      return c.json({ product: entryView(entry) }, 200);
    },
  );

  // The catalogue and its prices are ADMIN's; WAREHOUSE handles stock only (the use cases check the same matrix).
  const managers = [authenticate(auth.tokens), requireRole(...PERMISSIONS.manageProducts)];

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/',
      tags: ['products'],
      summary: 'Create a product (no stock until restocked)',
      security: BEARER,
      middleware: managers,
      request: jsonBody(ProductCreateBody),
      responses: {
        201: jsonContent(productBody, 'The product.'),
        400: problem('Invalid fields or unknown fields (`VALIDATION`).'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const product = await engine.useCases.createProduct({ ...c.req.valid('json'), actor: actorOf(c) });
      return c.json({ product: productView(product) }, 201);
    },
  );

  for (const [method, body, summary] of [
    ['put', ProductReplaceBody, 'Replace every writable field of a product'],
    ['patch', ProductPatchBody, 'Change some fields of a product'],
  ] as const) {
    mount(
      app,
      createRoute({
        method,
        path: '/{id}',
        tags: ['products'],
        summary,
        security: BEARER,
        middleware: managers,
        request: { params: IdParam, ...jsonBody(body) },
        responses: {
          200: jsonContent(productBody, 'The product.'),
          400: problem('Invalid or unknown fields (`VALIDATION`).'),
          404: problem('No such product.'),
          ...AUTH_PROBLEMS,
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const fields = c.req.valid('json');
        // PUT without saleStartsAt clears a scheduled start: it replaces the whole writable state.
        const patch = method === 'put' ? { saleStartsAt: null, ...fields } : fields;
        const product = await engine.useCases.updateProduct({ productId: id, patch, actor: actorOf(c) });
        return c.json({ product: productView(product) }, 200);
      },
    );
  }

  mount(
    app,
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags: ['products'],
      summary: 'Archive a product (soft delete: kept for its orders, gone from the shop)',
      security: BEARER,
      middleware: managers,
      request: { params: IdParam },
      responses: { 200: jsonContent(productBody, 'The archived product.'), 404: problem('No such product.'), ...AUTH_PROBLEMS },
    }),
    async (c) => {
      const product = await engine.useCases.archiveProduct({ productId: c.req.valid('param').id, actor: actorOf(c) });
      return c.json({ product: productView(product) }, 200);
    },
  );

  return app;
}
