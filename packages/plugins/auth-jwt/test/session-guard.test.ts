import { createMemorySessionStore, createMemoryStores } from '@limitedcart/core/memory';
import { isLimitedCartError } from '@limitedcart/core';
import { describe, expect, it } from 'vitest';
import { createSessionGuard } from '../src/session-guard.js';

const refused = (promise: Promise<unknown>) =>
  promise.then(
    () => false,
    (error: unknown) => isLimitedCartError(error, 'UNAUTHENTICATED'),
  );

describe('session guard', () => {
  const setup = () => {
    let clock = 1_000_000;
    const { customers } = createMemoryStores();
    const sessions = createMemorySessionStore();
    let reads = 0;
    const counted = {
      get: (id: string) => {
        reads++;
        return customers.get(id);
      },
    };
    const guard = createSessionGuard({ customers: counted, sessions, ttlMs: 5_000, now: () => clock });
    return { customers, sessions, guard, reads: () => reads, advance: (ms: number) => (clock += ms) };
  };

  it('answers from its cache, sees a change at once when told and within the TTL when not', async () => {
    const { customers, sessions, guard, reads, advance } = setup();
    const customer = await customers.create({ email: 'g@example.com', passwordHash: 'x', roles: ['USER'] });
    const session = await sessions.create({ customerId: customer.id, refreshTokenHash: 'h', ttlMs: 60_000 });
    const claims = { customerId: customer.id, sessionId: session.id, version: customer.sessionVersion };
    await guard.check(claims);
    for (let i = 0; i < 50; i++) await guard.check(claims);
    expect(reads(), 'one account read for 51 checks').toBe(1);

    await customers.setRoles(customer.id, ['ADMIN']);
    // Unannounced: the cached entry stands until it is older than the TTL.
    advance(4_999);
    await guard.check(claims);
    advance(1);
    expect(await refused(guard.check(claims)), 'a token of the old version is refused once the entry expired').toBe(true);

    const fresh = { ...claims, version: customer.sessionVersion + 1 };
    await guard.check(fresh);
    await sessions.revoke(session.id, 'LOGOUT');
    guard.forget(customer.id);
    expect(await refused(guard.check(fresh)), 'a revoked session is refused as soon as the account is forgotten').toBe(true);
  });

  it('refuses a deleted (unknown) account, a disabled one and a session of someone else', async () => {
    const { customers, sessions, guard } = setup();
    const customer = await customers.create({ email: 'h@example.com', passwordHash: 'x', roles: ['USER'] });
    const other = await sessions.create({ customerId: 'someone-else', refreshTokenHash: 'h2', ttlMs: 60_000 });
    expect(await refused(guard.check({ customerId: 'gone', sessionId: other.id, version: 1 }))).toBe(true);
    expect(await refused(guard.check({ customerId: customer.id, sessionId: other.id, version: customer.sessionVersion }))).toBe(true);
    const mine = await sessions.create({ customerId: customer.id, refreshTokenHash: 'h3', ttlMs: 60_000 });
    const locked = await customers.setDisabled(customer.id, true);
    expect(await refused(guard.check({ customerId: customer.id, sessionId: mine.id, version: locked!.sessionVersion }))).toBe(true);
  });
});
