export interface LaneOutcome {
  /** How many items from the start of the batch were handled: the consumer's offset may move past these only. */
  readonly handledPrefix: number;
  readonly failed: boolean;
}

/**
 * Handles a batch with one lane per aggregate: an aggregate's items run one after another in batch order,
 * different aggregates' run side by side, at most `concurrency` lanes at a time.
 *
 * The bus promises order per aggregate only, and a batch of a busy topic is mostly distinct aggregates (one
 * `order.placed` per order): handled one at a time, every handler's round trips queue behind the last one's, and
 * on a busy event loop that was the whole cost. After a failure no lane starts another item (they come again
 * with the failed one, whose aggregate's later items are never run before it).
 */
export async function handleInLanes<T>(
  items: readonly T[],
  {
    aggregateOf,
    handle,
    onFailure,
    concurrency,
    keepGoing,
  }: {
    readonly aggregateOf: (item: T) => string;
    readonly handle: (item: T) => Promise<void>;
    readonly onFailure: (error: unknown) => void;
    readonly concurrency: number;
    /** Checked before each item: false stops every lane (the consumer is stopping). */
    readonly keepGoing: () => boolean;
  },
): Promise<LaneOutcome> {
  const lanes = new Map<string, number[]>();
  items.forEach((item, index) => {
    const key = aggregateOf(item);
    const lane = lanes.get(key);
    if (lane) lane.push(index);
    else lanes.set(key, [index]);
  });
  const waiting = [...lanes.values()];
  const handled = new Array<boolean>(items.length).fill(false);
  let failed = false;

  const runLanes = async (): Promise<void> => {
    for (let lane = waiting.shift(); lane !== undefined; lane = waiting.shift()) {
      for (const index of lane) {
        if (failed || !keepGoing()) return;
        try {
          await handle(items[index] as T);
        } catch (error) {
          failed = true;
          onFailure(error);
          return;
        }
        handled[index] = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, waiting.length)) }, runLanes));

  const firstUnhandled = handled.indexOf(false);
  return { handledPrefix: firstUnhandled === -1 ? items.length : firstUnhandled, failed };
}
