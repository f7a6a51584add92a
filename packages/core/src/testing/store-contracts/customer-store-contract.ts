import { expect } from 'vitest';
import { ROLES, type Role } from '../../domain/customer.js';
import { isLimitedCartError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { StoreSet } from '../../ports/stores.js';
import { type CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
import { isSorted, type MakeStores, newCustomerInput, readAllPages, uniqueTag } from './fixtures.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const CUSTOMER_STORE_CASES = [
  'customers: create lower-cases the email; get and getByEmail find it in any case',
  'customers: an email taken in another case is a CONFLICT',
  'customers: concurrent creates of emails differing only in case: exactly one wins',
  'customers: setRoles replaces the roles; an unknown id gives null',
  'customers: list pages through every customer oldest first',
  'customers: countByRole counts each role a customer holds',
] as const;

export type CustomerStoreCase = (typeof CUSTOMER_STORE_CASES)[number];

/** Registers the CustomerStore cases. */
export function customerStoreCases(stores: () => StoreSet, registry: CaseRegistry<CustomerStoreCase>): void {
  registry.case('customers: create lower-cases the email; get and getByEmail find it in any case', async () => {
    const { customers } = stores();
    const tag = uniqueTag();
    const created = await customers.create(newCustomerInput({ email: `Mixed.Case-${tag}@Example.TEST`, roles: ['USER'] }));
    expect(created.email).toBe(`mixed.case-${tag}@example.test`);
    expect(created.roles).toEqual(['USER']);
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await customers.get(created.id)).toEqual(created);
    expect(await customers.getByEmail(`MIXED.CASE-${tag}@EXAMPLE.TEST`)).toEqual(created);
    expect(await customers.getByEmail(`nobody-${tag}@example.test`)).toBeNull();
    expect(await customers.get(newId())).toBeNull();
  });

  registry.case('customers: an email taken in another case is a CONFLICT', async () => {
    const { customers } = stores();
    const email = `dup-${uniqueTag()}@example.test`;
    await customers.create(newCustomerInput({ email }));
    const error = await customers.create(newCustomerInput({ email: email.toUpperCase() })).catch((e: unknown) => e);
    expect(isLimitedCartError(error, 'CONFLICT')).toBe(true);
  });

  registry.case('customers: concurrent creates of emails differing only in case: exactly one wins', async () => {
    const { customers } = stores();
    const local = `race-${uniqueTag()}`;
    const variants = [local, local.toUpperCase(), `R${local.slice(1)}`, `rA${local.slice(2)}`, `RA${local.slice(2)}`];
    const results = await Promise.allSettled(
      variants.flatMap((variant) => [`${variant}@example.test`, `${variant}@EXAMPLE.test`]).map((email) =>
        customers.create(newCustomerInput({ email })),
      ),
    );
    const winners = results.filter((result) => result.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(isLimitedCartError(result.reason, 'CONFLICT')).toBe(true);
    }
    expect((await customers.getByEmail(`${local}@example.test`))?.id).toBe(
      (winners[0] as PromiseFulfilledResult<{ id: string }>).value.id,
    );
  });

  registry.case('customers: setRoles replaces the roles; an unknown id gives null', async () => {
    const { customers } = stores();
    const created = await customers.create(newCustomerInput({ roles: ['USER'] }));
    const updated = await customers.setRoles(created.id, ['USER', 'ADMIN']);
    expect([...(updated?.roles ?? [])].sort()).toEqual(['ADMIN', 'USER']);
    expect([...((await customers.get(created.id))?.roles ?? [])].sort()).toEqual(['ADMIN', 'USER']);
    expect(await customers.setRoles(newId(), ['ADMIN'])).toBeNull();
  });

  registry.case('customers: list pages through every customer oldest first', async () => {
    const { customers } = stores();
    const mine = [];
    for (let i = 0; i < 4; i++) mine.push(await customers.create(newCustomerInput()));
    const all = await readAllPages((page, size) => customers.list({ page, size }), 3);
    const ids = all.items.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(all.totals)).toEqual(new Set([ids.length]));
    for (const customer of mine) expect(ids).toContain(customer.id);
    expect(isSorted(all.items.map((c) => c.createdAt.getTime()), 'asc')).toBe(true);
  });

  registry.case('customers: countByRole counts each role a customer holds', async () => {
    const { customers } = stores();
    const before = await customers.countByRole();
    expect(Object.keys(before).sort()).toEqual([...ROLES].sort());
    const roleSets: Role[][] = [['USER'], ['USER', 'ADMIN'], ['WAREHOUSE']];
    for (const roles of roleSets) await customers.create(newCustomerInput({ roles }));
    const after = await customers.countByRole();
    expect(after.USER - before.USER).toBe(2);
    expect(after.ADMIN - before.ADMIN).toBe(1);
    expect(after.WAREHOUSE - before.WAREHOUSE).toBe(1);
  });
}

/** The CustomerStore conformance kit. */
export function describeCustomerStoreContract(name: string, make: MakeStores, options?: ContractOptions<CustomerStoreCase>): void {
  describeKit(CUSTOMER_STORE_CASES, `CustomerStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    customerStoreCases(() => target().stores, registry);
  });
}
