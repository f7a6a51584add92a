/**
 * Runs tasks one at a time, in call order. This is the gate's whole concurrency story: every command reads
 * the projection, appends its events and applies them before the next command starts, so "check available,
 * then take" can never interleave with another command's check.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    // The queue goes on after a failed task; the failure belongs to that task's caller.
    this.#tail = result.catch(() => {});
    return result;
  }

  /** Resolves when every task queued so far has finished. */
  async drain(): Promise<void> {
    await this.#tail;
  }
}
