import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';

const names = new Map<string, string>();

/**
 * The statement as a named prepared statement. Postgres then parses it once per connection and can keep its plan:
 * for the short statements a saga runs, parsing and planning cost as much as executing (measured with
 * pg_stat_statements' planning time). The name is derived from the text, so the same statement gets the same
 * name on every connection and no two texts share one. Only for single statements with parameters.
 */
export const prepared = (text: string, values: readonly unknown[]): QueryConfig => {
  let name = names.get(text);
  if (name === undefined) {
    name = `lc_saga_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return { name, text, values: [...values] };
};
