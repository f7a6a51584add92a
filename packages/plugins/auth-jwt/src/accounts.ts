import { type Customer, type CustomerStore, isLimitedCartError, LimitedCartError, normalizeEmail, type RateLimiter, type Role, ROLES } from '@limitedcart/core';
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
export type LoginResult =
  | ({ ok: true; user: PublicUser } & IssuedToken)
  | { ok: false; reason: 'INVALID_CREDENTIALS' }
  /** Too many attempts from this address or for this email; `retryAfterMs` until one more is allowed. */
  | { ok: false; reason: 'RATE_LIMITED'; retryAfterMs: number };

export interface AccountService {
  register(input: { email: string; password: string; roles?: readonly Role[] }): Promise<RegisterResult>;
  /** `clientAddress`, when given, is counted against the per-address login limit as well as the email. */
  login(input: { email: string; password: string; clientAddress?: string }): Promise<LoginResult>;
  /** Creates the account with the given roles unless the email exists; returns the customer either way. */
  ensureAccount(input: { email: string; password: string; roles: readonly Role[] }): Promise<{ customer: Customer; created: boolean }>;
  /**
   * Sets a new password (checked like a registration's), e.g. when an operator takes an account over. null for an
   * unknown account. Roles change through the engine's `setCustomerRoles`, which checks and audits them.
   */
  resetPassword(customerId: string, password: string): Promise<PublicUser | null>;
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

export interface AccountServiceDeps {
  readonly customers: CustomerStore;
  readonly tokens: TokenService;
  /** Counts login attempts; without it logins are not limited. */
  readonly rateLimiter?: RateLimiter;
  /** Attempts per minute per client address and per email. Default 20. */
  readonly loginAttemptsPerMinute?: number;
}

const MINUTE = 60_000;

export function createAccountService(deps: AccountServiceDeps): AccountService {
  const { customers, tokens, rateLimiter } = deps;
  const loginLimit = deps.loginAttemptsPerMinute ?? 20;

  /**
   * The address first, then the email, one after the other: an address refused uses up none of the account's
   * attempts, so a flood from one address cannot lock the account's owner out.
   */
  const loginRefusal = async (email: string, clientAddress: string | undefined): Promise<LoginResult | null> => {
    if (rateLimiter === undefined) return null;
    const buckets = [...(clientAddress === undefined ? [] : [`login:address:${clientAddress}`]), `login:email:${email}`];
    for (const key of buckets) {
      const decision = await rateLimiter.hit(key, loginLimit, MINUTE);
      if (!decision.allowed) return { ok: false, reason: 'RATE_LIMITED', retryAfterMs: decision.resetMs };
    }
    return null;
  };

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
      const refused = await loginRefusal(normalizeEmail(input.email), input.clientAddress);
      if (refused !== null) return refused;
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
      if (existing) return { customer: existing, created: false };
      const result = await register({ email, password: input.password, roles: input.roles });
      const customer = await customers.getByEmail(email);
      if (!customer) throw new LimitedCartError('INTERNAL', `account ${email} missing after register (${result.ok})`);
      return { customer, created: result.ok };
    },

    async resetPassword(customerId, password) {
      const customer = await customers.get(customerId);
      if (!customer) return null;
      const checked = validateCredentials(customer.email, password);
      const updated = await customers.setPasswordHash(customerId, await hashPassword(checked.password));
      return updated ? toPublicUser(updated) : null;
    },
  };
}
