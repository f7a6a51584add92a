import { isLimitedCartError } from '@limitedcart/core';
import { createMemoryStores } from '@limitedcart/core/memory';
import { describe, expect, it } from 'vitest';
import { createAccountService } from '../src/accounts.js';
import { createTokenService } from '../src/tokens.js';

describe('account service', () => {
  const make = () => {
    const { customers } = createMemoryStores();
    return { customers, accounts: createAccountService({ customers, tokens: createTokenService({ key: 'k'.repeat(48) }) }) };
  };

  it('resetPassword replaces the password: the old one stops working, the new one logs in, the roles stay', async () => {
    const { accounts } = make();
    const registered = await accounts.register({ email: 'owner@example.com', password: 'first-password' });
    if (!registered.ok) throw new Error('not registered');
    expect(await accounts.resetPassword(registered.user.id, 'second-password')).toMatchObject({ email: 'owner@example.com', roles: ['USER'] });
    expect((await accounts.login({ email: 'owner@example.com', password: 'first-password' })).ok).toBe(false);
    expect((await accounts.login({ email: 'owner@example.com', password: 'second-password' })).ok).toBe(true);
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
