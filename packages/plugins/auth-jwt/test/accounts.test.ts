import { isLimitedCartError } from '@limitedcart/core';
import { createMemorySessionStore, createMemoryStores } from '@limitedcart/core/memory';
import { describe, expect, it } from 'vitest';
import { createAccountService } from '../src/accounts.js';
import { createSessionService } from '../src/sessions.js';
import { createTokenService } from '../src/tokens.js';

describe('account service', () => {
  const make = () => {
    const { customers, outbox } = createMemoryStores();
    const sessionStore = createMemorySessionStore();
    const sessions = createSessionService({
      customers,
      sessions: sessionStore,
      outbox,
      tokens: createTokenService({ key: 'k'.repeat(48) }),
      refreshTtlSeconds: 3600,
    });
    return { customers, sessionStore, accounts: createAccountService({ customers, sessions }) };
  };

  it('resetPassword replaces the password: the old one stops working, the new one logs in, the roles stay', async () => {
    const { accounts } = make();
    const registered = await accounts.register({ email: 'owner@example.com', password: 'first-password' });
    if (!registered.ok) throw new Error('not registered');
    expect(await accounts.resetPassword(registered.user.id, 'second-password')).toMatchObject({ email: 'owner@example.com', roles: ['USER'] });
    expect((await accounts.login({ email: 'owner@example.com', password: 'first-password' })).ok).toBe(false);
    expect((await accounts.login({ email: 'owner@example.com', password: 'second-password' })).ok).toBe(true);
  });

  it('resetPassword signs the account out everywhere', async () => {
    const { accounts, sessionStore } = make();
    const registered = await accounts.register({ email: 'taken-over@example.com', password: 'first-password' });
    if (!registered.ok) throw new Error('not registered');
    const before = await accounts.login({ email: 'taken-over@example.com', password: 'first-password' });
    if (!before.ok) throw new Error('not signed in');
    await accounts.resetPassword(registered.user.id, 'second-password');
    expect((await sessionStore.get(before.sessionId))?.revokedReason).toBe('LOGOUT_ALL');
  });

  it('resetPassword checks the password like a registration, and gives null for an unknown account', async () => {
    const { accounts } = make();
    const registered = await accounts.register({ email: 'short@example.com', password: 'first-password' });
    if (!registered.ok) throw new Error('not registered');
    await expect(accounts.resetPassword(registered.user.id, 'short')).rejects.toSatisfy((e: unknown) => isLimitedCartError(e, 'VALIDATION'));
    expect((await accounts.login({ email: 'short@example.com', password: 'first-password' })).ok).toBe(true);
    expect(await accounts.resetPassword('no-such-account', 'long-enough-password')).toBeNull();
  });
});
