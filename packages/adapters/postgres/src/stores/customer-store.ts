import { type CustomerStore, newId, normalizeEmail, type Role, ROLES, type SetRolesResult } from '@limitedcart/core';
import type { ClientBase } from 'pg';
import { byIdLoader, type Executor, inTransaction, isPool, query, type TableNames } from '../sql.js';
import { type CustomerRow, pageBounds, toCustomer } from './rows.js';

/**
 * Replaces the roles on `client`, inside a transaction the caller holds open (its locks last until it ends).
 *
 * The last-ADMIN check is a read followed by a write, which two transactions could interleave (each demoting one of
 * two admins, each seeing the other still ADMIN). So a call that may take ADMIN away first locks every ADMIN row, in
 * id order: concurrent demotions queue on those locks (the same order for all, so they never deadlock), and the one
 * that waited reads the admins again after the other committed (`FOR UPDATE` re-reads rows that changed) and counts
 * correctly. Calls that keep or grant ADMIN cannot lower the count and lock only their own row.
 */
async function setRolesOn(client: ClientBase, t: TableNames, id: string, roles: readonly Role[]): Promise<SetRolesResult> {
  const next = [...new Set(roles)];
  const admins = next.includes('ADMIN')
    ? null
    : await query<{ id: string }>(
        client,
        'lock admins',
        `SELECT id FROM ${t.customers} WHERE 'ADMIN' = ANY(roles) ORDER BY id FOR UPDATE`,
      );
  const [current] = await query<{ roles: string[] }>(client, 'lock customer', `SELECT roles FROM ${t.customers} WHERE id = $1 FOR UPDATE`, [id]);
  if (!current) return { ok: false, reason: 'NOT_FOUND' };
  if (admins !== null && current.roles.includes('ADMIN') && !admins.some((admin) => admin.id !== id)) {
    return { ok: false, reason: 'LAST_ADMIN' };
  }
  const [row] = await query<CustomerRow>(client, 'set customer roles', `UPDATE ${t.customers} SET roles = $2, session_version = session_version + 1 WHERE id = $1 RETURNING *`, [
    id,
    next,
  ]);
  return { ok: true, customer: toCustomer(row as CustomerRow), previousRoles: current.roles as Role[] };
}

/** `setRoles` on any executor: a pool call runs in a transaction of its own, a client's in the caller's. */
export const setCustomerRoles = (db: Executor, t: TableNames, id: string, roles: readonly Role[]): Promise<SetRolesResult> =>
  isPool(db) ? inTransaction(db, 'set customer roles', (client) => setRolesOn(client, t, id, roles)) : setRolesOn(db, t, id, roles);

export const createCustomerStore = (db: Executor, t: TableNames): CustomerStore => {
  // Inside a caller's transaction the statement order is the caller's, so reads go one by one.
  const reader = isPool(db) ? byIdLoader<CustomerRow>(db, 'get customers', t.customers) : null;
  return {
    async create(customer) {
      // A unique violation on lower(email) becomes LimitedCartError('CONFLICT') in `query`.
      const [row] = await query<CustomerRow>(
        db,
        'create customer',
        `INSERT INTO ${t.customers} (id, email, password_hash, roles) VALUES ($1, $2, $3, $4) RETURNING *`,
        [customer.id ?? newId(), normalizeEmail(customer.email), customer.passwordHash, [...customer.roles]],
      );
      return toCustomer(row as CustomerRow);
    },

    async get(id) {
      const row = reader
        ? await reader.load(id)
        : (await query<CustomerRow>(db, 'get customer', `SELECT * FROM ${t.customers} WHERE id = $1`, [id]))[0];
      return row ? toCustomer(row) : null;
    },

    async getByEmail(email) {
      const [row] = await query<CustomerRow>(
        db,
        'get customer by email',
        `SELECT * FROM ${t.customers} WHERE lower(email) = $1`,
        [normalizeEmail(email)],
      );
      return row ? toCustomer(row) : null;
    },

    setRoles: (id, roles) => setCustomerRoles(db, t, id, roles),

    async setPasswordHash(id, passwordHash) {
      const [row] = await query<CustomerRow>(
        db,
        'set customer password',
        `UPDATE ${t.customers} SET password_hash = $2 WHERE id = $1 RETURNING *`,
        [id, passwordHash],
      );
      return row ? toCustomer(row) : null;
    },

    async setDisabled(id, disabled) {
      const [row] = await query<CustomerRow>(
        db,
        'set customer disabled',
        `UPDATE ${t.customers} SET disabled = $2, session_version = session_version + 1 WHERE id = $1 RETURNING *`,
        [id, disabled],
      );
      return row ? toCustomer(row) : null;
    },

    async list({ page, size, email }) {
      const { limit, offset } = pageBounds(page, size);
      // Emails are stored lower-cased; strpos matches the text as it is (no LIKE wildcards to escape).
      const where = email === undefined ? '' : 'WHERE strpos(email, lower($1)) > 0';
      const values = email === undefined ? [] : [email];
      const [rows, counts] = await Promise.all([
        query<CustomerRow>(
          db,
          'list customers',
          `SELECT * FROM ${t.customers} ${where} ORDER BY seq LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
          [...values, limit, offset],
        ),
        query<{ total: string }>(db, 'count customers', `SELECT count(*) AS total FROM ${t.customers} ${where}`, values),
      ]);
      return { items: rows.map(toCustomer), page, size, total: Number(counts[0]?.total ?? 0) };
    },

    async countByRole() {
      const rows = await query<{ role: string; n: string }>(
        db,
        'count customers by role',
        `SELECT role, count(*) AS n FROM ${t.customers}, unnest(roles) AS role GROUP BY role`,
      );
      const counts = Object.fromEntries(ROLES.map((role) => [role, 0])) as Record<Role, number>;
      for (const row of rows) {
        if ((ROLES as readonly string[]).includes(row.role)) counts[row.role as Role] = Number(row.n);
      }
      return counts;
    },
  };
};
