import { randomBytes } from 'node:crypto';
import { createEngine, money } from '@limitedcart/core';
import { createSilentLogger } from '@limitedcart/core/memory';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { POSTGRES_CONNECTION, postgres } from '../src/index.js';
import { DATABASE_URL, hasDatabase } from './support.js';

describe.skipIf(!hasDatabase)('postgres() plugin', () => {
  const schemas: string[] = [];
  const schema = () => {
    const name = `lc_plugin_${randomBytes(5).toString('hex')}`;
    schemas.push(name);
    return name;
  };
  afterAll(async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    for (const name of schemas) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await client.end();
  });

  it('migrates when the engine starts, provides the durable ports, reports health and ends its pool on stop', async () => {
    const engine = createEngine({
      plugins: [postgres({ connectionString: DATABASE_URL!, schema: schema(), poolSize: 4 })],
      adapters: { logger: createSilentLogger() },
    });
    const { pool } = engine.resolve(POSTGRES_CONNECTION);
    await engine.start();
    expect(engine.ports.eventBus.readsOutbox).toBe(true);
    const product = await engine.useCases.createProduct({ name: 'Durable', price: money(100) });
    await engine.useCases.restock({ productId: product.id, quantity: 2, opId: 'plugin-test' });
    expect(await engine.ports.products.get(product.id)).toMatchObject({ name: 'Durable' });
    await engine.ports.admissionQueue.configure(product.id, { opensAt: new Date(0), mode: 'fifo' });
    expect(await engine.ports.admissionQueue.join(product.id, 'shopper-1'), 'the waiting room is in Postgres').toMatchObject({ ok: true, joined: true });
    expect((await pool.query(`SELECT count(*)::int AS n FROM "${engine.resolve(POSTGRES_CONNECTION).schema}".queue_entries`)).rows[0].n).toBe(1);
    const health = await engine.health();
    expect(health.ok).toBe(true);
    expect(health.checks).toContainEqual(expect.objectContaining({ name: 'postgres', ok: true }));
    await engine.stop();
    expect(pool.ended).toBe(true);
  });

  it('leaves a pool the caller owns open', async () => {
    const owned = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    const engine = createEngine({ plugins: [postgres({ pool: owned, schema: schema() })], adapters: { logger: createSilentLogger() } });
    await engine.start();
    await engine.stop();
    expect(owned.ended).toBe(false);
    expect((await owned.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await owned.end();
  });

  it('fails the start when the database cannot be reached, and takes exactly one connection source', async () => {
    const engine = createEngine({
      plugins: [postgres({ connectionString: 'postgres://nobody:wrong@127.0.0.1:1/none', schema: schema() })],
      adapters: { logger: createSilentLogger() },
    });
    await expect(engine.start()).rejects.toThrow();
    expect(engine.state).toBe('stopped');
    expect(() => postgres({ schema: 'x' })).toThrow(/exactly one of connectionString, pool or embedded/);
  });
});
