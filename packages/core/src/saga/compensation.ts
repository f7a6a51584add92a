/**
 * A compensation stack: an undo is pushed right after its step succeeds and the stack unwinds in reverse.
 * A failing compensation does not stop the others: it is recorded and reported, because leaving the rest
 * undone (stock held forever, a payment kept) is worse than one reported failure.
 */
export class CompensationStack {
  readonly #undos: { name: string; undo: () => Promise<unknown> }[] = [];

  push(name: string, undo: () => Promise<unknown>): void {
    this.#undos.push({ name, undo });
  }

  /** Forgets every undo: the saga reached a point where they no longer apply. */
  clear(): void {
    this.#undos.length = 0;
  }

  get size(): number {
    return this.#undos.length;
  }

  /** Runs all undos newest first; returns the failures as "name: message". */
  async unwind(): Promise<string[]> {
    const failures: string[] = [];
    while (this.#undos.length > 0) {
      const { name, undo } = this.#undos.pop()!;
      try {
        await undo();
      } catch (error) {
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  }
}
