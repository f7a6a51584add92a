/**
 * A keyed table of immutable rows. Stores read and write rows only through this interface, so the same
 * store code runs against the committed tables and against a transaction's staged view of them.
 */
export interface Table<T extends { readonly id: string }> {
  get(id: string): T | undefined;
  /** Inserts or replaces the row with the same id. */
  put(row: T): void;
  rows(): T[];
}

/** The committed rows. */
export class MapTable<T extends { readonly id: string }> implements Table<T> {
  readonly #rows = new Map<string, T>();

  get(id: string): T | undefined {
    return this.#rows.get(id);
  }

  put(row: T): void {
    this.#rows.set(row.id, row);
  }

  rows(): T[] {
    return [...this.#rows.values()];
  }
}

/**
 * Writes staged over a parent table: reads see the staged rows first, `commit` copies them into the parent.
 * Discarding the object discards the writes, which is how a failed unit of work rolls back.
 */
export class StagedTable<T extends { readonly id: string }> implements Table<T> {
  readonly #parent: Table<T>;
  readonly #staged = new Map<string, T>();

  constructor(parent: Table<T>) {
    this.#parent = parent;
  }

  get(id: string): T | undefined {
    return this.#staged.get(id) ?? this.#parent.get(id);
  }

  put(row: T): void {
    this.#staged.set(row.id, row);
  }

  rows(): T[] {
    const merged = new Map(this.#parent.rows().map((row) => [row.id, row] as const));
    for (const [id, row] of this.#staged) merged.set(id, row);
    return [...merged.values()];
  }

  commit(): void {
    for (const row of this.#staged.values()) this.#parent.put(row);
  }
}
