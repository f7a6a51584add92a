import { type Customer, type CustomerStore, isLimitedCartError, LimitedCartError, normalizeEmail, type RateLimiter, type Role, ROLES } from '@limitedcart/core';
import { type AbuseLimits, createAbuseLimits } from './login-limits.js';
import { AUTH_DEFAULTS } from './options.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.js';
import { passwordProblem } from './password-policy.js';
import type { SessionService, SessionTokens } from './sessions.js';

/** A customer as shown to clients: never the password hash. */
export interface PublicUser {
  readonly id: string;
  readonly email: string;
  readonly roles: readonly Role[];
  /** A locked account: it cannot sign in. */
  readonly disabled: boolean;
  readonly createdAt: string;
}

export const toPublicUser = (customer: Customer): PublicUser => ({
  id: customer.id,
  email: customer.email,
  roles: customer.roles,
  disabled: customer.disabled,
  createdAt: customer.createdAt.toISOString(),
});

export type RegisterResult =
  | { ok: true; user: PublicUser }
  | { ok: false; reason: 'EMAIL_TAKEN' }
  /** Too many registrations from this address; `retryAfterMs` until one more is allowed. */
  | { ok: false; reason: 'RATE_LIMITED'; retryAfterMs: number };
export type LoginResult =
  | ({ ok: true; user: PublicUser } & SessionTokens)
  | { ok: false; reason: 'INVALID_CREDENTIALS' }
  /** The password was right but the account is locked. */
  | { ok: false; reason: 'ACCOUNT_DISABLED' }
  /** Too many attempts from this address, or for this email from this address; `retryAfterMs` until one more is allowed. */
  | { ok: false; reason: 'RATE_LIMITED'; retryAfterMs: number };

export interface AccountService {
  /** `clientAddress`, when given, is counted against the per-address registration limit. */
  register(input: { email: string; password: string; roles?: readonly Role[]; clientAddress?: string }): Promise<RegisterResult>;
  /** Starts a session. `clientAddress`, when given, is counted against the login limits (see `createAbuseLimits`). */
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

/** Checks an email and a new password against the policy (`passwordProblem`); VALIDATION naming the field otherwise. */
export function validateCredentials(email: unknown, password: unknown): { email: string; password: string } {
  if (typeof email !== 'string' || !EMAIL.test(email.trim()) || email.length > 320) {
    throw new LimitedCartError('VALIDATION', 'email must be a valid address', { details: { field: 'email' } });
  }
  const problem = typeof password === 'string' ? passwordProblem(password, email) : 'password is required';
  if (problem !== null) throw new LimitedCartError('VALIDATION', problem, { details: { field: 'password' } });
  return { email: normalizeEmail(email), password: password as string };
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
  readonly sessions: SessionService;
  /** Counts login and registration attempts; without it nothing is limited. */
  readonly rateLimiter?: RateLimiter;
  readonly limits?: Partial<AbuseLimits>;
}

export function createAccountService(deps: AccountServiceDeps): AccountService {
  const { customers, sessions } = deps;
  const limits = createAbuseLimits(deps.rateLimiter, {
    loginAttemptsPerMinute: deps.limits?.loginAttemptsPerMinute ?? AUTH_DEFAULTS.loginAttemptsPerMinute,
    loginAttemptsPerAccountAddress: deps.limits?.loginAttemptsPerAccountAddress ?? AUTH_DEFAULTS.loginAttemptsPerAccountAddress,
    registrationsPerAddressPerHour: deps.limits?.registrationsPerAddressPerHour ?? AUTH_DEFAULTS.registrationsPerAddressPerHour,
  });

  const register: AccountService['register'] = async (input) => {
    const { email, password } = validateCredentials(input.email, input.password);
    const refused = await limits.register(input.clientAddress);
    if (refused !== null) return { ok: false, reason: 'RATE_LIMITED', retryAfterMs: refused.retryAfterMs };
    // A taken email and a new one take the same path (hash, then one insert the unique index decides), so the
    // answer's timing does not tell which emails have accounts; only the 409 a shopper needs does.
    const passwordHash = await hashPassword(password);
    try {
      const customer = await customers.create({ email, passwordHash, roles: input.roles ?? ['USER'] });
      return { ok: true, user: toPublicUser(customer) };
    } catch (error) {
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
      const email = normalizeEmail(input.email);
      const refused = await limits.login(email, input.clientAddress);
      if (refused !== null) return { ok: false, reason: 'RATE_LIMITED', retryAfterMs: refused.retryAfterMs };
      const customer = await customers.getByEmail(email);
      // Verify against a dummy hash for unknown emails so response time does not reveal which emails exist.
      const valid = await verifyPassword(input.password, customer?.passwordHash ?? (await DUMMY_HASH_PROMISE));
      if (!customer || !valid) return { ok: false, reason: 'INVALID_CREDENTIALS' };
      if (customer.disabled) return { ok: false, reason: 'ACCOUNT_DISABLED' };
      return { ok: true, user: toPublicUser(customer), ...(await sessions.open(customer)) };
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
      // Whoever held the account before the reset is signed out everywhere.
      if (updated) await sessions.endAll(customerId);
      return updated ? toPublicUser(updated) : null;
    },
  };
}
