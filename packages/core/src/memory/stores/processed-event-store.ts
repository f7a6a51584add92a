import type { ProcessedEventStore } from '../../ports/stores.js';
import { MemoryDatabase } from './database.js';
import { requireId } from './shared.js';

const processedKey = (group: string, eventId: string): string => JSON.stringify([group, eventId]);

/** In-memory `ProcessedEventStore`. */
export class MemoryProcessedEventStore implements ProcessedEventStore {
  readonly #db: MemoryDatabase;

  constructor(db: MemoryDatabase = new MemoryDatabase()) {
    this.#db = db;
  }

  async markProcessed(group: string, eventId: string): Promise<boolean> {
    const key = processedKey(requireId(group, 'group'), requireId(eventId, 'event id'));
    if (this.#db.processedEvents.has(key)) return false;
    this.#db.processedEvents.add(key);
    return true;
  }

  async unmark(group: string, eventId: string): Promise<void> {
    this.#db.processedEvents.delete(processedKey(group, eventId));
  }
}
