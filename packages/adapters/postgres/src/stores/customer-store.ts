import { type CustomerStore, newId, normalizeEmail, type Role, ROLES } from '@limitedcart/core';
import { type Executor, query, type TableNames } from '../sql.js';
import { type CustomerRow, pageBounds, toCustomer } from './rows.js';

export const createCustomerStore = (db: Executor, t: TableNames): CustomerStore => ({
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
    const [row] = await query<CustomerRow>(db, 'get customer', `SELECT * FROM ${t.customers} WHERE id = $1`, [id]);
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

  async setRoles(id, roles) {
    const [row] = await query<CustomerRow>(
      db,
      'set customer roles',
      `UPDATE ${t.customers} SET roles = $2 WHERE id = $1 RETURNING *`,
      [id, [...new Set(roles)]],
    );
    return row ? toCustomer(row) : null;
  },

  async list({ page, size }) {
    const { limit, offset } = pageBounds(page, size);
    const [rows, counts] = await Promise.all([
      query<CustomerRow>(db, 'list customers', `SELECT * FROM ${t.customers} ORDER BY seq LIMIT $1 OFFSET $2`, [
        limit,
        offset,
      ]),
      query<{ total: string }>(db, 'count customers', `SELECT count(*) AS total FROM ${t.customers}`),
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
});
