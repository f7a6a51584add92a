import { expect } from 'vitest';
import type { NewAuditEntry } from '../../domain/audit.js';
import { newId } from '../../domain/ids.js';
import type { StoreSet } from '../../ports/stores.js';
import { type CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
import { type MakeStores, newCustomerInput, readAllPages, uniqueTag } from './fixtures.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const AUDIT_STORE_CASES = [
  'audit: append then list gives every field back, newest first, dated by the store',
  'audit: an entry id appended twice is recorded once',
  'audit: list filters by kind and subject, and pages through them with a stable total',
  'audit: entries appended in a unit of work commit with it, and a throw discards them',
  'audit: changeRoles commits the roles with the entries built for them; a refused or throwing change records nothing',
] as const;

export type AuditStoreCase = (typeof AUDIT_STORE_CASES)[number];

const entry = (overrides: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  id: newId(),
  kind: 'product.updated',
  actorId: newId(),
  subject: `kit-subject-${uniqueTag()}`,
  details: { changes: { price: { from: { amount: 100, currency: 'USD' }, to: { amount: 0, currency: 'USD' } } }, note: 'ü ✓' },
  ...overrides,
});

/** Registers the AuditStore cases (and the unit-of-work cases that write the audit log). */
export function auditStoreCases(stores: () => StoreSet, registry: CaseRegistry<AuditStoreCase>): void {
  registry.case('audit: append then list gives every field back, newest first, dated by the store', async () => {
    const { audit } = stores();
    const subject = `kit-subject-${uniqueTag()}`;
    const before = Date.now();
    const first = entry({ subject, kind: 'product.created', actorId: null });
    const second = entry({ subject });
    await audit.append([first]);
    await audit.append([second]);
    const { items, total } = await audit.list({ page: 0, size: 10, subject });
    expect(total, 'total counts the entries of the subject').toBe(2);
    expect(items.map((item) => item.id), 'list is newest first: the later append comes first').toEqual([second.id, first.id]);
    const { at, ...stored } = items[1]!;
    expect(stored, 'an entry comes back with every field as appended (a null actor included)').toEqual(first);
    expect(at, 'the store dates each entry with a Date').toBeInstanceOf(Date);
    // The store's clock may differ a little from this process's: allow a minute either way.
    expect(Math.abs(at.getTime() - before), 'the date is the time of the append').toBeLessThan(60_000);
  });

  registry.case('audit: an entry id appended twice is recorded once', async () => {
    const { audit } = stores();
    const subject = `kit-subject-${uniqueTag()}`;
    const once = entry({ subject, kind: 'stock.restocked' });
    await audit.append([once]);
    await audit.append([{ ...once, details: { changed: 'a retry must not overwrite the first entry' } }, entry({ subject })]);
    const { items } = await audit.list({ page: 0, size: 10, subject });
    expect(items, 'a repeated id adds nothing, the other entry of the same call is recorded').toHaveLength(2);
    expect(items.find((item) => item.id === once.id)?.details, 'the first entry under an id is the one kept').toEqual(once.details);
  });

  registry.case('audit: list filters by kind and subject, and pages through them with a stable total', async () => {
    const { audit } = stores();
    const subject = `kit-subject-${uniqueTag()}`;
    const kinds = ['customer.roles-changed', 'product.archived', 'customer.roles-changed', 'customer.roles-changed', 'stock.reconciled'] as const;
    const written = kinds.map((kind) => entry({ subject, kind }));
    for (const one of written) await audit.append([one]);
    const roles = await readAllPages((page, size) => audit.list({ page, size, subject, kind: 'customer.roles-changed' }), 2);
    expect(
      roles.items.map((item) => item.id),
      'kind and subject together select exactly those entries, newest first, across pages',
    ).toEqual(written.filter((one) => one.kind === 'customer.roles-changed').map((one) => one.id).reverse());
    expect(new Set(roles.totals), 'every page reports the same total').toEqual(new Set([3]));
    const byKind = await audit.list({ page: 0, size: 100, kind: 'product.archived' });
    expect(byKind.items.every((item) => item.kind === 'product.archived'), 'a kind filter alone returns that kind only').toBe(true);
    expect(byKind.items.map((item) => item.id), 'a kind filter alone finds the entry of that kind').toContain(written[1]!.id);
    const beyond = await audit.list({ page: 5, size: 2, subject });
    expect(beyond, 'a page past the end is empty and still reports the total').toMatchObject({ items: [], total: 5 });
  });

  registry.case('audit: entries appended in a unit of work commit with it, and a throw discards them', async () => {
    const { audit, unitOfWork } = stores();
    const subject = `kit-subject-${uniqueTag()}`;
    const kept = entry({ subject });
    await unitOfWork.run(async (tx) => {
      await tx.audit.append([kept]);
    });
    const failure = new Error('work failed on purpose');
    await expect(
      unitOfWork.run(async (tx) => {
        await tx.audit.append([entry({ subject })]);
        throw failure;
      }),
      'run rejects with the error the work threw',
    ).rejects.toBe(failure);
    const { items } = await audit.list({ page: 0, size: 10, subject });
    expect(items.map((item) => item.id), 'the committed unit left its entry, the failed one none').toEqual([kept.id]);
  });

  registry.case(
    'audit: changeRoles commits the roles with the entries built for them; a refused or throwing change records nothing',
    async () => {
      const { audit, customers, unitOfWork } = stores();
      const admin = await customers.create(newCustomerInput({ roles: ['ADMIN'] }));
      const shopper = await customers.create(newCustomerInput({ roles: ['USER'] }));
      const seen: unknown[] = [];
      const changed = await unitOfWork.changeRoles(shopper.id, ['USER', 'WAREHOUSE'], (outcome) => {
        seen.push(outcome);
        return [entry({ subject: shopper.id, kind: 'customer.roles-changed', details: { from: outcome.previousRoles, to: outcome.customer.roles } })];
      });
      expect(changed.ok, 'changeRoles of an existing account succeeds').toBe(true);
      expect(seen, 'record is called once, with the outcome changeRoles returns').toEqual([changed]);
      expect((await customers.get(shopper.id))?.roles, 'the new roles are committed').toEqual(['USER', 'WAREHOUSE']);
      const recorded = await audit.list({ page: 0, size: 10, subject: shopper.id });
      expect(recorded.items.map((item) => item.details), 'the entry built for the change is committed with it').toEqual([
        { from: ['USER'], to: ['USER', 'WAREHOUSE'] },
      ]);

      const failure = new Error('record failed on purpose');
      await expect(
        unitOfWork.changeRoles(shopper.id, ['USER'], () => {
          throw failure;
        }),
        'changeRoles rejects with the error record threw',
      ).rejects.toBe(failure);
      expect((await customers.get(shopper.id))?.roles, 'a throwing record leaves the roles unchanged').toEqual(['USER', 'WAREHOUSE']);

      // Make `admin` the last admin, then try to demote it.
      for (const other of (await readAllPages((page, size) => customers.list({ page, size }), 100)).items) {
        if (other.id !== admin.id && other.roles.includes('ADMIN')) await customers.setRoles(other.id, ['USER']);
      }
      let called = false;
      const refused = await unitOfWork.changeRoles(admin.id, ['USER'], () => {
        called = true;
        return [entry({ subject: admin.id })];
      });
      expect(refused, 'changeRoles refuses to demote the last admin').toEqual({ ok: false, reason: 'LAST_ADMIN' });
      expect(called, 'a refused change does not ask for entries').toBe(false);
      expect((await audit.list({ page: 0, size: 10, subject: admin.id })).total, 'a refused change records nothing').toBe(0);
      expect(await unitOfWork.changeRoles(newId(), ['USER'], () => []), 'an unknown account is NOT_FOUND').toEqual({
        ok: false,
        reason: 'NOT_FOUND',
      });
    },
  );
}

/** The AuditStore conformance kit: the log itself, and the unit-of-work writes that record changes in it. */
export function describeAuditStoreContract(name: string, make: MakeStores, options?: ContractOptions<AuditStoreCase>): void {
  describeKit(AUDIT_STORE_CASES, `AuditStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    auditStoreCases(() => target().stores, registry);
  });
}
