import { type DomainEvent, type EventBus, type EventHandler, type HealthReport, type Lifecycle, LimitedCartError, type SubscribeOptions, type Subscription, validationError } from '@limitedcart/core';
import pg from 'pg';
import { GroupConsumer } from './group-consumer.js';
import { NotifyListener } from './notify-listener.js';
import { checkPositiveInteger } from './option-checks.js';
import { type PostgresEventBusOptions, resolveSchema } from './options.js';
import { appendEvents, notifyChannel } from './outbox.js';
import { query, tableNames } from './sql.js';

export interface PostgresEventBus extends EventBus, Required<Pick<Lifecycle, 'close' | 'health'>> {}

const checkName = (field: string, value: unknown): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw validationError(`${field} must be a non-empty string of at most 200 characters`, { field });
  }
  return value;
};

/**
 * The event bus whose transport is the outbox table itself. `publish` appends (and NOTIFYs on commit);
 * subscribers read the outbox from their group's stored offset, woken by LISTEN/NOTIFY and by a fallback poll,
 * so events published while nobody listened are delivered when a member of the group next runs.
 *
 * Within a group one member is active per topic at a time (a lease on the offset row); the others take over when
 * it unsubscribes or its lease lapses. Delivery is at-least-once and in outbox order per aggregate; different
 * aggregates' events of a batch are handled side by side.
 */
export const createPostgresEventBus = (options: PostgresEventBusOptions): PostgresEventBus => {
  const schema = resolveSchema(options.schema);
  const t = tableNames(schema);
  const { pool } = options;
  const channel = notifyChannel(schema);
  const onError = options.onError ?? (() => {});
  const handlerConcurrency = checkPositiveInteger('handlerConcurrency', options.handlerConcurrency ?? 32);
  const consumers = new Set<{ consumer: GroupConsumer; topic: string }>();
  let listener: NotifyListener | undefined;
  let listening: Promise<void> | undefined;
  let closed = false;

  const wake = (topic: string | null) => {
    for (const entry of consumers) if (topic === null || entry.topic === topic) entry.consumer.wake();
  };

  const ensureListening = () => {
    listening ??= (async () => {
      listener = new NotifyListener(
        options.listenClient ??
          (() => new pg.Client(options.listenUrl ? { connectionString: options.listenUrl } : pool.options)),
        channel,
        wake,
        (error) => onError(error, {}),
      );
      await listener.start();
    })().catch((error: unknown) => {
      listening = undefined;
      throw error;
    });
    return listening;
  };

  return {
    // Subscribers read the outbox table itself: nothing needs to ship its rows anywhere.
    readsOutbox: true,

    async publish(events: readonly DomainEvent[]) {
      if (closed) throw new LimitedCartError('INFRASTRUCTURE', 'event bus is closed');
      for (const event of events) {
        checkName('event.id', event.id);
        checkName('event.topic', event.topic);
      }
      await appendEvents(pool, t, schema, events);
    },

    async subscribe(topic: string, group: string, handler: EventHandler, subscribeOptions: SubscribeOptions = {}): Promise<Subscription> {
      if (closed) throw new LimitedCartError('INFRASTRUCTURE', 'event bus is closed');
      const entry = {
        topic: checkName('topic', topic),
        consumer: new GroupConsumer({
          pool,
          tables: t,
          topic,
          group: checkName('group', group),
          handler,
          pollIntervalMs: options.pollIntervalMs ?? 500,
          batchSize: options.batchSize ?? 100,
          concurrency: handlerConcurrency,
          leaseMs: options.leaseMs ?? 30_000,
          retryInitialDelayMs: options.retryInitialDelayMs ?? 100,
          retryMaxDelayMs: options.retryMaxDelayMs ?? 5_000,
          startFrom: subscribeOptions.startAt === undefined ? (options.startFrom ?? 'beginning') : subscribeOptions.startAt === 'latest' ? 'latest' : 'beginning',
          ephemeral: subscribeOptions.ephemeral === true,
          onError: (error) => onError(error, { topic, group }),
        }),
      };
      await ensureListening();
      await entry.consumer.start();
      consumers.add(entry);
      let stopped: Promise<void> | undefined;
      return {
        unsubscribe: () => {
          stopped ??= (async () => {
            consumers.delete(entry);
            await entry.consumer.stop();
          })();
          return stopped;
        },
      };
    },

    async close() {
      closed = true;
      await Promise.all([...consumers].map(async (entry) => {
        consumers.delete(entry);
        await entry.consumer.stop();
      }));
      await listener?.close();
    },

    async health(): Promise<HealthReport> {
      try {
        await query(pool, 'event bus health', `SELECT 1 FROM ${t.outbox} LIMIT 1`);
        return { name: 'postgres-event-bus', ok: true };
      } catch (error) {
        return { name: 'postgres-event-bus', ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
  };
};
