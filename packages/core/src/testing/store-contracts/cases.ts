import { afterAll, beforeAll, describe, it } from 'vitest';

/** Options every conformance kit takes. */
export interface ContractOptions<Name extends string = string> {
  /**
   * Cases this implementation does not support, by case name, with the reason. Each is registered with
   * `it.skip` and the reason in its title. A name that matches no case throws, so a typo cannot hide.
   */
  readonly skip?: Partial<Record<Name, string>>;
}

/** Registers a kit's cases under their names, honouring `ContractOptions.skip`. */
export class CaseRegistry<Name extends string> {
  readonly #known: ReadonlySet<string>;
  readonly #skip: Partial<Record<string, string>>;
  readonly #registered = new Set<string>();

  constructor(known: readonly Name[], options: ContractOptions<Name> = {}) {
    this.#known = new Set(known);
    this.#skip = options.skip ?? {};
    const unknown = Object.keys(this.#skip).filter((name) => !this.#known.has(name));
    if (unknown.length > 0) throw new Error(`skip names no case of this kit: ${unknown.join(', ')}`);
  }

  case(name: Name, body: () => Promise<void>, timeoutMs?: number): void {
    if (!this.#known.has(name)) throw new Error(`conformance kit case "${name}" is missing from its case list`);
    if (this.#registered.has(name)) throw new Error(`conformance kit defines the case "${name}" twice`);
    this.#registered.add(name);
    const reason = this.#skip[name];
    if (reason === undefined) it(name, body, timeoutMs);
    else it.skip(`${name} (skipped: ${reason})`, body, timeoutMs);
  }
}

/**
 * Calls `make` once before the block's tests and `close` after them; returns an accessor for the made
 * value (available inside tests only).
 */
export function useTarget<T extends { close(): Promise<void> }>(make: () => Promise<T>): () => T {
  let target: T | undefined;
  beforeAll(async () => {
    target = await make();
  });
  afterAll(async () => {
    await target?.close();
  });
  return () => {
    if (!target) throw new Error('the implementation under test was not made (did make() fail?)');
    return target;
  };
}

/** Defines a kit's describe block; the skip list is checked against `known` before any case registers. */
export function describeKit<Name extends string>(
  known: readonly Name[],
  title: string,
  options: ContractOptions<Name> | undefined,
  cases: (registry: CaseRegistry<Name>) => void,
): void {
  const registry = new CaseRegistry(known, options);
  describe(title, () => cases(registry));
}
