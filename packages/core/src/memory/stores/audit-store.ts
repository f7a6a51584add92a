import type { AuditEntry, NewAuditEntry } from '../../domain/audit.js';
import type { AuditQuery, AuditStore, Page } from '../../ports/stores.js';
import { type AuditRow, MemoryDatabase, type MemoryScope } from './database.js';
import { copy, pageOf, requireId, timestamp } from './shared.js';

const toEntry = ({ seq: _seq, ...entry }: AuditRow): AuditEntry => entry;

/**
 * Stages `entries` into `scope`'s audit table, skipping ids already recorded. Synchronous, so a caller can record a
 * change and its entries in one step that nothing else interleaves with (see `MemoryUnitOfWork.changeRoles`).
 */
export function appendAuditRows(scope: MemoryScope, entries: readonly NewAuditEntry[]): void {
  const at = timestamp(scope.clock);
  for (const entry of entries) {
    requireId(entry.id, 'audit entry id');
    if (scope.tables.audit.get(entry.id)) continue;
    scope.tables.audit.put(copy({ ...entry, at, seq: scope.nextAuditSeq() }));
  }
}

/** In-memory `AuditStore`: newest first by append order. Inside a unit of work its entries commit with the work. */
export class MemoryAuditStore implements AuditStore {
  readonly #scope: MemoryScope;

  constructor(scope: MemoryScope = new MemoryDatabase()) {
    this.#scope = scope;
  }

  async append(entries: readonly NewAuditEntry[]): Promise<void> {
    await this.#scope.write(() => appendAuditRows(this.#scope, entries));
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const rows = this.#scope.tables.audit
      .rows()
      .filter((row) => (query.kind === undefined || row.kind === query.kind) && (query.subject === undefined || row.subject === query.subject))
      .sort((a, b) => b.seq - a.seq);
    const page = pageOf(rows, query);
    return { ...page, items: page.items.map(toEntry) };
  }
}
