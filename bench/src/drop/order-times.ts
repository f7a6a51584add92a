import pg from 'pg';

/**
 * When the last of a product's orders in `status` was written (epoch ms, from the `updated_at` the order store
 * sets with `clock_timestamp()` as it changes the status), or null when none is in that status.
 *
 * Polling the API for "all PAYMENT_PENDING" can only start once the firing is over, so during a long sold-out
 * phase it reports the end of the firing rather than the moment the sagas got there; the row says when.
 * The server and the benchmark share one machine, hence one clock.
 */
export async function lastStatusWriteAt(databaseUrl: string, schema: string, productId: string, status: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ at: Date | null }>(
      `SELECT max(updated_at) AS at FROM ${pg.escapeIdentifier(schema)}.orders WHERE product_id = $1 AND status = $2`,
      [productId, status],
    );
    return rows[0]?.at?.getTime() ?? null;
  } finally {
    await client.end();
  }
}
