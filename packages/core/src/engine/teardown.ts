/**
 * What `stop` must undo, newest first. Each started piece pushes its undo right after it started, so a
 * start that fails half-way unwinds exactly what it did. Every undo runs even if another fails.
 */
export class TeardownStack {
  readonly #steps: { readonly name: string; readonly undo: () => Promise<void> | void }[] = [];

  push(name: string, undo: () => Promise<void> | void): void {
    this.#steps.push({ name, undo });
  }

  /** Runs every undo newest first; returns the failures. */
  async unwind(): Promise<{ readonly name: string; readonly error: unknown }[]> {
    const failures: { name: string; error: unknown }[] = [];
    for (let step = this.#steps.pop(); step !== undefined; step = this.#steps.pop()) {
      try {
        await step.undo();
      } catch (error) {
        failures.push({ name: step.name, error });
      }
    }
    return failures;
  }
}
