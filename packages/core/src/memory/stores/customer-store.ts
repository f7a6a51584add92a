import { type Customer, type NewCustomer, normalizeEmail, ROLES, type Role } from '../../domain/customer.js';
import { validationError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { CustomerQuery, CustomerStore, Page, SetRolesResult } from '../../ports/stores.js';
import { MemoryDatabase } from './database.js';
import { byCreatedAtThenId, conflict, copy, pageOf, requireId, timestamp } from './shared.js';

const requireRoles = (roles: readonly Role[]): Role[] => {
  for (const role of roles) {
    if (!ROLES.includes(role)) throw validationError(`unknown role ${String(role)}`, { role });
  }
  return [...new Set(roles)];
};

/** In-memory `CustomerStore`. Emails are unique case-insensitively; lists oldest first. */
export class MemoryCustomerStore implements CustomerStore {
  readonly #db: MemoryDatabase;

  constructor(db: MemoryDatabase = new MemoryDatabase()) {
    this.#db = db;
  }

  async create(input: NewCustomer): Promise<Customer> {
    const id = requireId(input.id ?? newId(), 'customer id');
    const email = normalizeEmail(requireId(input.email, 'email'));
    const now = timestamp(this.#db.clock);
    const customer: Customer = {
      id,
      email,
      passwordHash: input.passwordHash,
      roles: requireRoles(input.roles),
      disabled: false,
      sessionVersion: 1,
      createdAt: now,
    };
    // Check and insert with no await in between: this is the atomic unique check.
    if (this.#db.customerEmails.has(email)) throw conflict('email already registered', { email });
    if (this.#db.customers.get(id)) throw conflict(`customer ${id} already exists`, { id });
    this.#db.customers.put(customer);
    this.#db.customerEmails.set(email, id);
    return copy(customer);
  }

  async get(id: string): Promise<Customer | null> {
    const customer = this.#db.customers.get(id);
    return customer ? copy(customer) : null;
  }

  async getByEmail(email: string): Promise<Customer | null> {
    const id = this.#db.customerEmails.get(normalizeEmail(email));
    return id === undefined ? null : this.get(id);
  }

  async setRoles(id: string, roles: readonly Role[]): Promise<SetRolesResult> {
    return this.applyRoles(id, roles);
  }

  /**
   * `setRoles` as one synchronous step, so the last-ADMIN check and the write cannot interleave with another change.
   * `beforeWrite` runs inside that step once the change is allowed; when it throws, nothing is written (the unit of
   * work stages the change's audit entries there).
   */
  applyRoles(id: string, roles: readonly Role[], beforeWrite?: (changed: Extract<SetRolesResult, { ok: true }>) => void): SetRolesResult {
    const next = requireRoles(roles);
    const current = this.#db.customers.get(id);
    if (!current) return { ok: false, reason: 'NOT_FOUND' };
    const demotesAnAdmin = current.roles.includes('ADMIN') && !next.includes('ADMIN');
    if (demotesAnAdmin && !this.#db.customers.rows().some((other) => other.id !== id && other.roles.includes('ADMIN'))) {
      return { ok: false, reason: 'LAST_ADMIN' };
    }
    const updated: Customer = { ...current, roles: next, sessionVersion: current.sessionVersion + 1 };
    const changed = { ok: true as const, customer: copy(updated), previousRoles: [...current.roles] };
    beforeWrite?.(changed);
    this.#db.customers.put(updated);
    return changed;
  }

  async setDisabled(id: string, disabled: boolean): Promise<Customer | null> {
    const current = this.#db.customers.get(id);
    if (!current) return null;
    const next: Customer = { ...current, disabled, sessionVersion: current.sessionVersion + 1 };
    this.#db.customers.put(next);
    return copy(next);
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<Customer | null> {
    const current = this.#db.customers.get(id);
    if (!current) return null;
    const next: Customer = { ...current, passwordHash: requireId(passwordHash, 'password hash') };
    this.#db.customers.put(next);
    return copy(next);
  }

  async list(query: CustomerQuery): Promise<Page<Customer>> {
    const needle = query.email?.toLowerCase();
    const rows = this.#db.customers.rows().filter((customer) => needle === undefined || customer.email.includes(needle));
    return pageOf(rows.sort(byCreatedAtThenId), query);
  }

  async countByRole(): Promise<Record<Role, number>> {
    const counts = Object.fromEntries(ROLES.map((role) => [role, 0])) as Record<Role, number>;
    for (const customer of this.#db.customers.rows()) {
      for (const role of customer.roles) counts[role] += 1;
    }
    return counts;
  }
}
