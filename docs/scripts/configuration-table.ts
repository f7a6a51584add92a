/**
 * Prints the defaults of every environment variable of the reference server, read from its zod schema, and
 * checks that docs/configuration.md lists exactly those variables. Exits 1 on drift.
 *
 *   node --conditions=@limitedcart/source --import tsx docs/scripts/configuration-table.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENV_KEYS, ENV_SCHEMA } from '../../apps/reference-server/src/config.js';

interface Introspected {
  readonly def: { readonly type: string; readonly defaultValue?: unknown; readonly innerType?: unknown; readonly in?: unknown };
}

const describeDefault = (schema: unknown): string => {
  const { def } = schema as Introspected;
  // A variable parsed further (`TRUST_PROXY`: true/false/hops → a number) shows the default as it is written.
  if (def.type === 'pipe') return describeDefault(def.in);
  if (def.type === 'default') {
    const value = typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
    return `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
  }
  if (def.type === 'optional') return '(unset)';
  return '(required)';
};

const rows = ENV_KEYS.map((key) => `| \`${key}\` | ${describeDefault(ENV_SCHEMA.shape[key])} |`);
console.log(['| Variable | Default |', '|---|---|', ...rows].join('\n'));

const doc = readFileSync(fileURLToPath(new URL('../configuration.md', import.meta.url)), 'utf8');
const documented = new Set([...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((match) => match[1]));
const missing = ENV_KEYS.filter((key) => !documented.has(key));
const stale = [...documented].filter((key) => !(ENV_KEYS as string[]).includes(key as string));
if (missing.length > 0 || stale.length > 0) {
  console.error(`configuration.md is out of date. missing: ${missing.join(', ') || '-'}; not in the schema: ${stale.join(', ') || '-'}`);
  process.exit(1);
}
console.error(`configuration.md lists all ${ENV_KEYS.length} variables.`);
