import pg from 'pg';

/**
 * When each of a product's orders now in `status` was written so (epoch ms, ascending), from the `updated_at` the
 * order store sets with `clock_timestamp()` as it changes the status.
 *
 * Polling the API for "all PAYMENT_PENDING" can only start once the firing is over, so during a long sold-out
 * phase it reports the end of the firing rather than the moment the sagas got there; the rows say when, and how
 * the sagas kept up while the firing went on. The server and the benchmark share one machine, hence one clock.
 */
export async function statusWriteTimes(databaseUrl: string, schema: string, productId: string, status: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ at: Date }>(
      `SELECT updated_at AS at FROM ${pg.escapeIdentifier(schema)}.orders WHERE product_id = $1 AND status = $2 ORDER BY updated_at`,
      [productId, status],
    );
    return rows.map((row) => row.at.getTime());
  } finally {
    await client.end();
  }
}

/** How many of `times` fall in each `bucketMs` from `from` on (times before `from` count in the first). */
export function countOverTime(times: readonly number[], from: number, bucketMs: number): number[] {
  const counts: number[] = [];
  for (const at of times) {
    const bucket = Math.max(0, Math.floor((at - from) / bucketMs));
    while (counts.length <= bucket) counts.push(0);
    counts[bucket]! += 1;
  }
  return counts;
}
