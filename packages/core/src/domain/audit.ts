/** What an audit entry records: the administrative changes someone may later have to account for. */
export const AUDIT_KINDS = [
  'customer.roles-changed',
  'product.created',
  'product.updated',
  'product.archived',
  'stock.restocked',
  'stock.reconciled',
] as const;

export type AuditKind = (typeof AUDIT_KINDS)[number];

/** One change: who did what to which thing, and when. Entries are never changed or removed. */
export interface AuditEntry {
  /** Unique. Appending an id already recorded records nothing, so a retried operation is recorded once. */
  readonly id: string;
  readonly kind: AuditKind;
  /** Who: the acting account, or null for the system itself (bootstrap, seed, an integrator's own code). */
  readonly actorId: string | null;
  /** What it acted on: a customer id, a product id, or `*` for a change over every SKU (a reconcile repair). */
  readonly subject: string;
  /** What changed, as JSON (`{ changes: { price: { from, to } } }`, `{ from: [...], to: [...] }`). */
  readonly details: Readonly<Record<string, unknown>>;
  /** When, by the store's clock. */
  readonly at: Date;
}

/** An entry as written: the store dates it. */
export type NewAuditEntry = Omit<AuditEntry, 'at'>;
