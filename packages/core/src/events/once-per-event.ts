import type { EventHandler } from '../ports/event-bus.js';
import type { ProcessedEventStore } from '../ports/stores.js';

/**
 * Wraps a handler so it acts once per event id within `group`, however often the bus delivers the event.
 *
 * The id is marked before the handler runs, so a concurrent duplicate delivery is skipped rather than run
 * twice; if the handler throws the mark is removed, so the bus's redelivery runs it again. A process crash
 * between mark and handling leaves the event marked but unhandled: handlers whose effect must survive that
 * should also be idempotent on their own (e.g. the saga start is keyed by order id).
 */
export function oncePerEvent(processedEvents: ProcessedEventStore, group: string, handler: EventHandler): EventHandler {
  return async (event) => {
    if (!(await processedEvents.markProcessed(group, event.id))) return;
    try {
      await handler(event);
    } catch (error) {
      await processedEvents.unmark(group, event.id);
      throw error;
    }
  };
}
