import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './support.js';

/** On a fresh schema every process migrates as it starts; several starting at once must not trip over each other. */
describe.skipIf(!process.env.DATABASE_URL)('processes starting together on a fresh schema', () => {
  it('all start: an api, a worker and a second api, three times over', async () => {
    for (let round = 0; round < 3; round += 1) {
      const schema = `rs_start_${randomBytes(4).toString('hex')}`;
      const started = await Promise.allSettled([
        startTestServer('postgres', { DB_SCHEMA: schema, LIMITEDCART_ROLES: 'api' }, { keepSchema: true }),
        startTestServer('postgres', { DB_SCHEMA: schema, LIMITEDCART_ROLES: 'worker,relay' }, { keepSchema: true }),
        // The last one drops the schemas when it closes, after the others.
        startTestServer('postgres', { DB_SCHEMA: schema, LIMITEDCART_ROLES: 'api' }),
      ]);
      for (const result of started) if (result.status === 'fulfilled') await result.value.close();
      const failures = started.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
      expect(failures, `round ${round}: processes that failed to start`).toEqual([]);
    }
  }, 120_000);
});
