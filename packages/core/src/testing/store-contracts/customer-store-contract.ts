import { expect } from 'vitest';
import { ROLES, type Role } from '../../domain/customer.js';
import { isLimitedCartError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { CustomerStore, StoreSet } from '../../ports/stores.js';
import { type CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
import { isSorted, type MakeStores, newCustomerInput, readAllPages, uniqueTag } from './fixtures.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const CUSTOMER_STORE_CASES = [
  'customers: create lower-cases the email; get and getByEmail find it in any case',
  'customers: an email taken in another case is a CONFLICT',
  'customers: concurrent creates of emails differing only in case: exactly one wins',
  'customers: setRoles replaces the roles and reports the previous ones; an unknown id gives NOT_FOUND',
  'customers: setPasswordHash replaces the hash; an unknown id gives null',
  'customers: setRoles refuses to take ADMIN from the last admin, and allows it while another admin remains',
  'customers: admins demoted at once, each by another call: at least one admin remains, the refused ones unchanged',
  'customers: a new account is enabled; setRoles and setDisabled raise its session version',
  'customers: list pages through every customer oldest first',
  'customers: list by email finds accounts whose email contains the text, in any case, and pages them',
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

  registry.case('customers: setRoles replaces the roles and reports the previous ones; an unknown id gives NOT_FOUND', async () => {
    const { customers } = stores();
    const created = await customers.create(newCustomerInput({ roles: ['USER'] }));
    const updated = await customers.setRoles(created.id, ['USER', 'ADMIN']);
    expect(updated.ok, 'setRoles of an existing account succeeds').toBe(true);
    if (!updated.ok) return;
    expect([...updated.customer.roles].sort(), 'setRoles returns the customer with exactly the new roles').toEqual(['ADMIN', 'USER']);
    expect(updated.previousRoles, 'setRoles reports the roles it replaced').toEqual(['USER']);
    expect(
      [...((await customers.get(created.id))?.roles ?? [])].sort(),
      'get after setRoles shows exactly the new roles',
    ).toEqual(['ADMIN', 'USER']);
    expect(await customers.setRoles(newId(), ['USER']), 'setRoles of an unknown id is NOT_FOUND').toEqual({ ok: false, reason: 'NOT_FOUND' });
  });

  registry.case('customers: setPasswordHash replaces the hash; an unknown id gives null', async () => {
    const { customers } = stores();
    const created = await customers.create(newCustomerInput({ passwordHash: 'old-hash' }));
    const updated = await customers.setPasswordHash(created.id, 'new-hash');
    expect(updated?.passwordHash, 'setPasswordHash returns the customer with the new hash').toBe('new-hash');
    expect((await customers.get(created.id))?.passwordHash, 'get after setPasswordHash shows the new hash').toBe('new-hash');
    expect((await customers.get(created.id))?.roles, 'setPasswordHash leaves the roles alone').toEqual(created.roles);
    expect(await customers.setPasswordHash(newId(), 'x'), 'setPasswordHash of an unknown id returns null').toBeNull();
  });

  registry.case('customers: setRoles refuses to take ADMIN from the last admin, and allows it while another admin remains', async () => {
    const { customers } = stores();
    const first = await customers.create(newCustomerInput({ roles: ['ADMIN'] }));
    await demoteAdminsExcept(customers, [first.id]);
    expect(
      await customers.setRoles(first.id, ['USER']),
      'taking ADMIN from the only admin is refused with LAST_ADMIN',
    ).toEqual({ ok: false, reason: 'LAST_ADMIN' });
    expect((await customers.get(first.id))?.roles, 'a refused setRoles leaves the roles unchanged').toEqual(['ADMIN']);
    const kept = await customers.setRoles(first.id, ['ADMIN', 'WAREHOUSE']);
    expect(kept.ok, 'the last admin may change its other roles as long as it keeps ADMIN').toBe(true);
    const second = await customers.create(newCustomerInput({ roles: ['USER'] }));
    expect((await customers.setRoles(second.id, ['USER', 'ADMIN'])).ok, 'promoting another account succeeds').toBe(true);
    const demoted = await customers.setRoles(first.id, ['WAREHOUSE']);
    expect(demoted.ok, 'with another admin left, an admin may lose ADMIN').toBe(true);
    expect(
      await customers.setRoles(second.id, ['USER']),
      'the admin left is now the last one and keeps ADMIN',
    ).toEqual({ ok: false, reason: 'LAST_ADMIN' });
    expect((await customers.countByRole()).ADMIN, 'exactly one admin is left').toBe(1);
  });

  registry.case('customers: admins demoted at once, each by another call: at least one admin remains, the refused ones unchanged', async () => {
    const { customers } = stores();
    for (const size of [2, 2, 3, 4, 2]) {
      const admins = await Promise.all(Array.from({ length: size }, () => customers.create(newCustomerInput({ roles: ['USER', 'ADMIN'] }))));
      await demoteAdminsExcept(customers, admins.map((admin) => admin.id));
      const results = await Promise.all(admins.map((admin) => customers.setRoles(admin.id, ['USER'])));
      const refused = results.filter((result) => !result.ok);
      expect(
        results.filter((result) => result.ok),
        `of ${size} admins demoted at once, exactly ${size - 1} are demoted`,
      ).toHaveLength(size - 1);
      expect(refused, 'the one not demoted is refused with LAST_ADMIN').toEqual([{ ok: false, reason: 'LAST_ADMIN' }]);
      const after = await Promise.all(admins.map((admin) => customers.get(admin.id)));
      expect(
        after.filter((customer) => customer?.roles.includes('ADMIN')),
        'exactly one of them is still ADMIN, with its roles unchanged',
      ).toEqual([expect.objectContaining({ roles: ['USER', 'ADMIN'] })]);
      expect((await customers.countByRole()).ADMIN, 'the store holds exactly one admin').toBe(1);
    }
  });

  registry.case('customers: a new account is enabled; setRoles and setDisabled raise its session version', async () => {
    const { customers } = stores();
    const created = await customers.create(newCustomerInput());
    expect(created.disabled, 'a new account is not disabled').toBe(false);
    expect(Number.isSafeInteger(created.sessionVersion), 'a new account has an integer session version').toBe(true);
    const promoted = await customers.setRoles(created.id, ['USER', 'WAREHOUSE']);
    expect(promoted.ok && promoted.customer.sessionVersion, 'setRoles raises the session version by one').toBe(created.sessionVersion + 1);
    const locked = await customers.setDisabled(created.id, true);
    expect(locked?.disabled, 'setDisabled(true) disables the account').toBe(true);
    expect(locked?.sessionVersion, 'setDisabled raises the session version by one').toBe(created.sessionVersion + 2);
    expect(await customers.get(created.id), 'get shows the disabled flag and the version setDisabled returned').toEqual(locked);
    const unlocked = await customers.setDisabled(created.id, false);
    expect([unlocked?.disabled, unlocked?.sessionVersion], 'setDisabled(false) enables it and raises the version again').toEqual([
      false,
      created.sessionVersion + 3,
    ]);
    expect(await customers.setDisabled(newId(), true), 'setDisabled of an unknown id returns null').toBeNull();
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

  registry.case('customers: list by email finds accounts whose email contains the text, in any case, and pages them', async () => {
    const { customers } = stores();
    const tag = uniqueTag();
    const made = [];
    for (const local of ['alice', 'bob', 'alicia', 'Malice']) made.push(await customers.create(newCustomerInput({ email: `${local}-${tag}@find.test` })));
    await customers.create(newCustomerInput({ email: `someone-else-${uniqueTag()}@find.test` }));

    const ali = await readAllPages((page, size) => customers.list({ page, size, email: `ALI` }), 2);
    const mine = ali.items.filter((c) => c.email.endsWith(`-${tag}@find.test`)).map((c) => c.email);
    expect(mine.sort(), 'a part of the address in another case finds every account containing it').toEqual(
      [`alice-${tag}@find.test`, `alicia-${tag}@find.test`, `malice-${tag}@find.test`].sort(),
    );
    expect(new Set(ali.totals), 'every page reports the number of matching accounts').toEqual(new Set([ali.items.length]));
    const exact = await customers.list({ page: 0, size: 10, email: `Bob-${tag}@FIND.test` });
    expect(exact.items.map((c) => c.id), 'a whole address finds that account alone').toEqual([made[1]!.id]);
    expect(exact.total, 'the total counts the one match').toBe(1);
    const none = await customers.list({ page: 0, size: 10, email: `%_${tag}` });
    expect(none, 'LIKE wildcards are plain text: nothing contains them').toMatchObject({ items: [], total: 0 });
    const domain = await customers.list({ page: 0, size: 100, email: `-${tag}@find.test` });
    expect(
      isSorted(domain.items.map((c) => c.createdAt.getTime()), 'asc'),
      'matches are ordered like list, oldest first',
    ).toBe(true);
    expect(domain.total, 'the total counts every match of the tag').toBe(4);
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

/**
 * Takes ADMIN from every admin but `keep` (the last-admin cases need to know who the admins are). Rows of earlier
 * cases are demoted, never removed.
 */
async function demoteAdminsExcept(customers: CustomerStore, keep: readonly string[]): Promise<void> {
  const all = await readAllPages((page, size) => customers.list({ page, size }), 100);
  for (const customer of all.items) {
    if (keep.includes(customer.id) || !customer.roles.includes('ADMIN')) continue;
    const rest = customer.roles.filter((role) => role !== 'ADMIN');
    const result = await customers.setRoles(customer.id, rest.length > 0 ? rest : ['USER']);
    expect(result.ok, 'an admin other than the ones kept can be demoted').toBe(true);
  }
}

/** The CustomerStore conformance kit. */
export function describeCustomerStoreContract(name: string, make: MakeStores, options?: ContractOptions<CustomerStoreCase>): void {
  describeKit(CUSTOMER_STORE_CASES, `CustomerStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    customerStoreCases(() => target().stores, registry);
  });
}
