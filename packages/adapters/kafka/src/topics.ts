import type { Admin } from 'kafkajs';

/**
 * Creates each topic the bus touches once per process, with the configured partition count, before anything
 * produces to it or joins a group on it. Left to the broker's auto-creation a topic would get the broker
 * default (often one partition), and a group with two members would leave one idle.
 */
export class TopicRegistry {
  readonly #admin: () => Promise<Admin>;
  readonly #partitions: number;
  readonly #known = new Map<string, Promise<void>>();

  constructor(admin: () => Promise<Admin>, partitions: number) {
    this.#admin = admin;
    this.#partitions = partitions;
  }

  ensure(topics: Iterable<string>): Promise<void> {
    return Promise.all([...new Set(topics)].map((topic) => this.#ensureOne(topic))).then(() => undefined);
  }

  #ensureOne(topic: string): Promise<void> {
    let pending = this.#known.get(topic);
    if (!pending) {
      pending = this.#create(topic);
      // A failed attempt is forgotten so the next call tries again.
      pending.catch(() => this.#known.delete(topic));
      this.#known.set(topic, pending);
    }
    return pending;
  }

  async #create(topic: string): Promise<void> {
    const admin = await this.#admin();
    try {
      // Resolves false when the topic exists; waits until the new partitions have leaders.
      await admin.createTopics({ topics: [{ topic, numPartitions: this.#partitions }], waitForLeaders: true });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  }
}

/** Another process (or bus) created it between our metadata check and our request: that is success. */
const isAlreadyExists = (error: unknown): boolean => {
  const found = (value: unknown): boolean =>
    typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS';
  if (found(error)) return true;
  const errors = (error as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every(found);
};
