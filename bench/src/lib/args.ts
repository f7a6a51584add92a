import { parseArgs } from 'node:util';

/** Thrown for a bad command line; the entry points print the message and the usage, and exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Parses `--name value` options, each with a default. A leading `--` (which some script runners pass through)
 * is ignored; anything else unknown is a usage error.
 */
export function parseOptions<K extends string>(defaults: Readonly<Record<K, string>>, argv: readonly string[] = process.argv.slice(2)): Record<K, string> {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const names = Object.keys(defaults) as K[];
  let values: Record<string, unknown>;
  try {
    const spec = Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));
    values = parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return Object.fromEntries(names.map((name) => [name, typeof values[name] === 'string' ? values[name] : defaults[name]])) as Record<K, string>;
}

/** A comma-separated list whose items must all be in `allowed`; order kept, duplicates dropped. */
export function listOf<T extends string>(name: string, value: string, allowed: readonly T[]): T[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (items.length === 0) throw new UsageError(`--${name} needs at least one of ${allowed.join(', ')}`);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new UsageError(`--${name}: unknown "${item}"; use ${allowed.join(', ')}`);
  }
  return [...new Set(items as T[])];
}

/** A positive number (`integer` true: a positive integer). */
export function positive(name: string, value: string, integer = false): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${value}"`);
  }
  return number;
}

/** A comma-separated list of positive integers. */
export function integers(name: string, value: string): number[] {
  const items = value.split(',').filter((item) => item.trim().length > 0);
  if (items.length === 0) throw new UsageError(`--${name} needs at least one value`);
  return [...new Set(items.map((item) => positive(name, item.trim(), true)))];
}

/** Runs a benchmark's main: a usage error exits 2, any other failure 1, `main`'s own code otherwise. */
export function runMain(usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
      // Every resource is closed by then; a driver that still keeps a handle open must not hang the run.
      setTimeout(() => process.exit(code), 5_000).unref();
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${error.message}\n\n${usage}`);
        process.exitCode = 2;
        return;
      }
      console.error(error);
      process.exitCode = 1;
    },
  );
}
