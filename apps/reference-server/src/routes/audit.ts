import { createRoute, z } from '@hono/zod-openapi';
import { AUDIT_KINDS, type AuditEntry, PERMISSIONS } from '@limitedcart/core';
import { actorOf, authenticate, requireRole } from '../http/auth.js';
import type { AppDeps } from '../http/context.js';
import { mount, router } from '../http/route.js';
import { AUTH_PROBLEMS, BEARER, jsonContent, PagingQuery, pageOf, problem } from './schemas.js';

const AuditEntrySchema = z
  .object({
    id: z.string(),
    kind: z.enum(AUDIT_KINDS),
    actorId: z.string().nullable().openapi({ description: 'The account that made the change; null for the system (bootstrap, seed).' }),
    subject: z.string().openapi({ description: 'The customer or product id changed; `*` for a reconcile repair over every SKU.' }),
    details: z.record(z.string(), z.unknown()).openapi({ description: 'What changed, e.g. `{ changes: { price: { from, to } } }`.' }),
    at: z.string().openapi({ description: 'When (ISO 8601).' }),
  })
  .openapi('AuditEntry');

const AuditQuery = PagingQuery.extend({
  kind: z.enum(AUDIT_KINDS).optional(),
  subject: z.string().min(1).max(200).optional().openapi({ description: 'Only entries about this customer or product id.' }),
});

const entryView = (entry: AuditEntry) => ({ ...entry, at: entry.at.toISOString() });

/** `GET /api/admin/audit`: who changed roles, products, prices and stock, and when. */
export function auditRoutes(deps: AppDeps) {
  const app = router();
  const { engine, auth } = deps;

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/',
      tags: ['admin'],
      summary: 'The audit log: role, product, price and stock changes, newest first',
      security: BEARER,
      middleware: [authenticate(auth.tokens), requireRole(...PERMISSIONS.readAudit)] as const,
      request: { query: AuditQuery },
      responses: {
        200: jsonContent(pageOf(AuditEntrySchema, 'AuditPage'), 'A page of entries, newest first.'),
        400: problem('Bad paging or unknown kind (`VALIDATION`).'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const { page, size, kind, subject } = c.req.valid('query');
      const result = await engine.useCases.listAuditEntries({ actor: actorOf(c), page, size, kind, subject });
      return c.json({ items: result.items.map(entryView), page, size, total: result.total }, 200);
    },
  );

  return app;
}
