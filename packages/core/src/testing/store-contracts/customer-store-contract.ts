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
    expect(created.email, 'create stores the email lower-cased').toBe(`mixed.case-${tag}@example.test`);
    expect(created.roles, 'create stores the given roles').toEqual(['USER']);
    expect(created.createdAt, 'create sets createdAt to a Date').toBeInstanceOf(Date);
    expect(await customers.get(created.id), 'get(id) returns the created customer').toEqual(created);
    expect(
      await customers.getByEmail(`MIXED.CASE-${tag}@EXAMPLE.TEST`),
      'getByEmail finds the customer whatever the case of the email',
    ).toEqual(created);
    expect(
      await customers.getByEmail(`nobody-${tag}@example.test`),
      'getByEmail of an unknown email is null',
    ).toBeNull();
    expect(await customers.get(newId()), 'get of an unknown id is null').toBeNull();
  });

  registry.case('customers: an email taken in another case is a CONFLICT', async () => {
    const { customers } = stores();
    const email = `dup-${uniqueTag()}@example.test`;
    await customers.create(newCustomerInput({ email }));
    const error = await customers.create(newCustomerInput({ email: email.toUpperCase() })).catch((e: unknown) => e);
    expect(
      isLimitedCartError(error, 'CONFLICT'),
      'creating an email that exists in another case fails with CONFLICT',
    ).toBe(true);
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
    expect(winners, 'of concurrent creates of one email in different cases exactly one succeeds').toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected')
        expect(isLimitedCartError(result.reason, 'CONFLICT'), 'the losers of the race fail with CONFLICT').toBe(true);
    }
    expect(
      (await customers.getByEmail(`${local}@example.test`))?.id,
      'getByEmail finds the customer that won the race',
    ).toBe(
      (winners[0] as PromiseFulfilledResult<{ id: string }>).value.id,
    );
  });

  registry.case('customers: setRoles replaces the roles; an unknown id gives null', async () => {
    const { customers } = stores();
    const created = await customers.create(newCustomerInput({ roles: ['USER'] }));
    const updated = await customers.setRoles(created.id, ['USER', 'ADMIN']);
    expect(
      [...(updated?.roles ?? [])].sort(),
      'setRoles returns the customer with exactly the new roles',
    ).toEqual(['ADMIN', 'USER']);
    expect(
      [...((await customers.get(created.id))?.roles ?? [])].sort(),
      'get after setRoles shows exactly the new roles',
    ).toEqual(['ADMIN', 'USER']);
    expect(await customers.setRoles(newId(), ['ADMIN']), 'setRoles of an unknown id returns null').toBeNull();
  });

  registry.case('customers: list pages through every customer oldest first', async () => {
    const { customers } = stores();
    const mine = [];
    for (let i = 0; i < 4; i++) mine.push(await customers.create(newCustomerInput()));
    const all = await readAllPages((page, size) => customers.list({ page, size }), 3);
    const ids = all.items.map((c) => c.id);
    expect(new Set(ids).size, 'list returns no customer twice across pages').toBe(ids.length);
    expect(
      new Set(all.totals),
      'every page reports the same total, the number of customers',
    ).toEqual(new Set([ids.length]));
    for (const customer of mine) expect(ids, 'list reaches every customer created').toContain(customer.id);
    expect(
      isSorted(all.items.map((c) => c.createdAt.getTime()), 'asc'),
      'list is ordered by createdAt, oldest first',
    ).toBe(true);
  });

  registry.case('customers: countByRole counts each role a customer holds', async () => {
    const { customers } = stores();
    const before = await customers.countByRole();
    expect(Object.keys(before).sort(), 'countByRole has a count for every role').toEqual([...ROLES].sort());
    const roleSets: Role[][] = [['USER'], ['USER', 'ADMIN'], ['WAREHOUSE']];
    for (const roles of roleSets) await customers.create(newCustomerInput({ roles }));
    const after = await customers.countByRole();
    expect(after.USER - before.USER, 'countByRole counts every customer holding USER').toBe(2);
    expect(after.ADMIN - before.ADMIN, 'countByRole counts every customer holding ADMIN').toBe(1);
    expect(after.WAREHOUSE - before.WAREHOUSE, 'countByRole counts every customer holding WAREHOUSE').toBe(1);
  });
}

/** The CustomerStore conformance kit. */
export function describeCustomerStoreContract(name: string, make: MakeStores, options?: ContractOptions<CustomerStoreCase>): void {
  describeKit(CUSTOMER_STORE_CASES, `CustomerStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    customerStoreCases(() => target().stores, registry);
  });
}
