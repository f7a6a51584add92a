import {
  type Customer,
  type CustomerStore,
  isLimitedCartError,
  LimitedCartError,
  normalizeEmail,
  type Role,
  ROLES,
} from '@limitedcart/core';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.js';
import type { IssuedToken, TokenService } from './tokens.js';

/** A customer as shown to clients: never the password hash. */
export interface PublicUser {
  readonly id: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly createdAt: string;
}

export const toPublicUser = (customer: Customer): PublicUser => ({
  id: customer.id,
  email: customer.email,
  roles: customer.roles,
  createdAt: customer.createdAt.toISOString(),
});

export type RegisterResult = { ok: true; user: PublicUser } | { ok: false; reason: 'EMAIL_TAKEN' };
export type LoginResult = ({ ok: true; user: PublicUser } & IssuedToken) | { ok: false; reason: 'INVALID_CREDENTIALS' };

export interface AccountService {
  register(input: { email: string; password: string; roles?: readonly Role[] }): Promise<RegisterResult>;
  login(input: { email: string; password: string }): Promise<LoginResult>;
  /** Creates the account with the given roles unless the email exists; returns the customer either way. */
  ensureAccount(input: { email: string; password: string; roles: readonly Role[] }): Promise<Customer>;
  setRoles(customerId: string, roles: readonly Role[]): Promise<PublicUser | null>;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

export function validateCredentials(email: unknown, password: unknown): { email: string; password: string } {
  if (typeof email !== 'string' || !EMAIL.test(email.trim()) || email.length > 320) {
    throw new LimitedCartError('VALIDATION', 'email must be a valid address', { details: { field: 'email' } });
  }
  if (typeof password !== 'string' || password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new LimitedCartError(
      'VALIDATION',
      `password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`,
      { details: { field: 'password' } },
    );
  }
  return { email: normalizeEmail(email), password };
}

export function validateRoles(roles: unknown): Role[] {
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((role) => (ROLES as readonly unknown[]).includes(role))) {
    throw new LimitedCartError('VALIDATION', `roles must be a non-empty list of ${ROLES.join(', ')}`, {
      details: { field: 'roles' },
    });
  }
  return [...new Set(roles as Role[])];
}

export function createAccountService(deps: { customers: CustomerStore; tokens: TokenService }): AccountService {
  const { customers, tokens } = deps;

  const register: AccountService['register'] = async (input) => {
    const { email, password } = validateCredentials(input.email, input.password);
    if (await customers.getByEmail(email)) return { ok: false, reason: 'EMAIL_TAKEN' };
    const passwordHash = await hashPassword(password);
    try {
      const customer = await customers.create({ email, passwordHash, roles: input.roles ?? ['USER'] });
      return { ok: true, user: toPublicUser(customer) };
    } catch (error) {
      // Two registrations racing for one email: the store's unique index decides.
      if (isLimitedCartError(error, 'CONFLICT')) return { ok: false, reason: 'EMAIL_TAKEN' };
      throw error;
    }
  };

  return {
    register,

    async login(input) {
      if (typeof input.email !== 'string' || typeof input.password !== 'string') {
        throw new LimitedCartError('VALIDATION', 'email and password are required');
      }
      const customer = await customers.getByEmail(normalizeEmail(input.email));
      // Verify against a dummy hash for unknown emails so response time does not reveal which emails exist.
      const valid = await verifyPassword(input.password, customer?.passwordHash ?? (await DUMMY_HASH_PROMISE));
      if (!customer || !valid) return { ok: false, reason: 'INVALID_CREDENTIALS' };
      const token = await tokens.issue({ customerId: customer.id, email: customer.email, roles: customer.roles });
      return { ok: true, user: toPublicUser(customer), ...token };
    },

    async ensureAccount(input) {
      const email = normalizeEmail(input.email);
      const existing = await customers.getByEmail(email);
      if (existing) return existing;
      const result = await register({ email, password: input.password, roles: input.roles });
      const customer = await customers.getByEmail(email);
      if (!customer) throw new LimitedCartError('INTERNAL', `account ${email} missing after register (${result.ok})`);
      return customer;
    },

    async setRoles(customerId, roles) {
      const updated = await customers.setRoles(customerId, validateRoles(roles));
      return updated ? toPublicUser(updated) : null;
    },
  };
}
