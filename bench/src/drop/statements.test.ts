import { describe, expect, it } from 'vitest';
import { statementPath, statementShape } from './statements.js';

describe('statement statistics', () => {
  it('writes grouped statements of any VALUES length as one shape', () => {
    const two = 'INSERT INTO "s"."orders" (id, sku) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING';
    const three = 'INSERT INTO "s"."orders" (id, sku) VALUES ($1, $2), ($3, $4), ($5, $6) ON CONFLICT DO NOTHING';
    expect(statementShape(two)).toBe(statementShape(three));
    expect(statementShape(three)).toBe('INSERT INTO "s"."orders" (id, sku) VALUES ($1, $2), ... ON CONFLICT DO NOTHING');
  });

  it('attributes statements to the saga, the order path or transaction control', () => {
    expect(statementPath('SELECT 1 FROM "drop_x_saga".saga_instances WHERE order_id = $1', 'drop_x')).toBe('saga');
    expect(statementPath('WITH next AS (SELECT j.id FROM drop_x_saga_boss.job_common j)', 'drop_x')).toBe('saga');
    expect(statementPath('INSERT INTO "drop_x"."orders" (id) VALUES ($1)', 'drop_x')).toBe('order');
    expect(statementPath('COMMIT', 'drop_x')).toBe('transaction');
    expect(statementPath('SELECT pg_notify($1, $2)', 'drop_x')).toBe('other');
    expect(statementPath('SELECT pg_try_advisory_lock(hashtextextended($1, $2)) AS locked', 'drop_x')).toBe('saga');
    expect(statementPath('SELECT pg_advisory_unlock(hashtextextended($1, $2))', 'drop_x')).toBe('saga');
    expect(statementPath('SELECT pg_try_advisory_xact_lock(hashtextextended($1, $2)) AS locked', 'drop_x')).toBe('saga');
  });
});
