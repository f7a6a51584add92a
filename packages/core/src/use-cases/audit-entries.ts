import type { NewAuditEntry } from '../domain/audit.js';
import type { Role } from '../domain/customer.js';
import { nameBasedId, newId } from '../domain/ids.js';
import type { Product } from '../domain/product.js';
import type { ReconciliationReport } from '../ports/stock-reconciliation.js';
import type { Actor } from './ports.js';

/** How the use cases describe their changes in the audit log. Details are plain JSON (dates as ISO strings). */

const actorIdOf = (actor: Actor | undefined): string | null => actor?.customerId ?? null;

/** The fields of a product an administrator sets, as JSON. */
const productFields = (product: Product) => ({
  name: product.name,
  description: product.description,
  price: { amount: product.price.amount, currency: product.price.currency },
  maxQuantityPerCustomer: product.maxQuantityPerCustomer,
  active: product.active,
  saleStartsAt: product.saleStartsAt?.toISOString() ?? null,
});

type ProductFields = ReturnType<typeof productFields>;

export const productCreatedEntry = (actor: Actor | undefined, product: Product): NewAuditEntry => ({
  id: newId(),
  kind: 'product.created',
  actorId: actorIdOf(actor),
  subject: product.id,
  details: { sku: product.sku, ...productFields(product) },
});

/** The fields that changed, each `{ from, to }`; null when nothing did (nothing to record). */
export function productUpdatedEntry(actor: Actor | undefined, before: Product, after: Product): NewAuditEntry | null {
  const from = productFields(before);
  const to = productFields(after);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of Object.keys(to) as (keyof ProductFields)[]) {
    if (JSON.stringify(from[field]) !== JSON.stringify(to[field])) changes[field] = { from: from[field], to: to[field] };
  }
  if (Object.keys(changes).length === 0) return null;
  return { id: newId(), kind: 'product.updated', actorId: actorIdOf(actor), subject: after.id, details: { changes } };
}

export const productArchivedEntry = (actor: Actor | undefined, product: Product): NewAuditEntry => ({
  id: newId(),
  kind: 'product.archived',
  actorId: actorIdOf(actor),
  subject: product.id,
  details: { sku: product.sku, name: product.name },
});

/**
 * A restock, named after the gate's operation id: the gate adds an operation once, and a retry of it (same
 * Idempotency-Key) records nothing new, or records the entry its dead predecessor never wrote.
 */
export const restockedEntry = (actor: Actor | undefined, product: Product, quantity: number, opId: string): NewAuditEntry => ({
  id: nameBasedId(`audit.stock.restocked\u0000${opId}`),
  kind: 'stock.restocked',
  actorId: actorIdOf(actor),
  subject: product.id,
  details: { sku: product.sku, quantity },
});

export const rolesChangedEntry = (
  actor: Actor | undefined,
  customerId: string,
  from: readonly Role[],
  to: readonly Role[],
  reason: string | undefined,
): NewAuditEntry => ({
  id: newId(),
  kind: 'customer.roles-changed',
  actorId: actorIdOf(actor),
  subject: customerId,
  details: { from: [...from], to: [...to], ...(reason === undefined ? {} : { reason }) },
});

/** A reconcile repair over every SKU: which ones had drifted, as found before repairing. */
export const reconciledEntry = (actor: Actor | undefined, report: ReconciliationReport): NewAuditEntry => ({
  id: newId(),
  kind: 'stock.reconciled',
  actorId: actorIdOf(actor),
  subject: '*',
  details: { mode: report.mode, inSync: report.inSync, drifted: report.skus.filter((line) => !line.inSync).map((line) => line.sku) },
});
