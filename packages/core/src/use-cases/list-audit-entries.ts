import { AUDIT_KINDS, type AuditEntry, type AuditKind } from '../domain/audit.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { Page } from '../ports/stores.js';
import { authorize } from './permissions.js';
import type { Actor } from './ports.js';
import { optionalString, requireInteger, requireObject, requireOneOf } from './validate.js';

export interface ListAuditEntriesInput {
  /** Who reads: must be an ADMIN (`PERMISSIONS.readAudit`). None: the system. */
  readonly actor?: Actor;
  /** 0-based; default 0. */
  readonly page?: number;
  /** 1..100; default 20. */
  readonly size?: number;
  readonly kind?: AuditKind;
  /** Only the entries about this customer or product id. */
  readonly subject?: string;
}

/** A page of the audit log, newest first. */
export async function listAuditEntries(deps: Pick<CorePorts, 'audit'>, input: ListAuditEntriesInput = {}): Promise<Page<AuditEntry>> {
  const request = requireObject(input, 'input');
  authorize(request.actor, 'readAudit');
  const page = requireInteger(request.page ?? 0, 'page', { max: 1_000_000 });
  const size = requireInteger(request.size ?? 20, 'size', { min: 1, max: 100 });
  const kind = request.kind === undefined ? undefined : requireOneOf(request.kind, 'kind', AUDIT_KINDS);
  const subject = optionalString(request.subject, 'subject');
  return deps.audit.list({ page, size, ...(kind === undefined ? {} : { kind }), ...(subject === undefined ? {} : { subject }) });
}
