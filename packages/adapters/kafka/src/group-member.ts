import { type EventHandler, LimitedCartError, type Logger } from '@limitedcart/core';
import { retryDelayMs } from '@limitedcart/core/saga';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { type DeadLetterContext, decodeEvent } from './codec.js';
import type { ResolvedKafkaOptions } from './options.js';

export interface GroupMemberOptions {
  readonly kafka: Kafka;
  readonly options: ResolvedKafkaOptions;
  /** The logical topic, as subscribers name it. */
  readonly topic: string;
  readonly kafkaTopic: string;
  readonly group: string;
  readonly groupId: string;
  readonly handler: EventHandler;
  /** Writes the dead-letter copy of a record; resolves once the broker acknowledged it. */
  readonly deadLetter: (message: KafkaMessage, context: DeadLetterContext) => Promise<void>;
  readonly logger: Logger | undefined;
}

type Heartbeat = () => Promise<void>;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One subscription: one Kafka consumer, a member of its group. A fetched batch of a partition is handled with
 * records of one key (one aggregate) in order, one at a time, and records of different keys side by side (at
 * most `consumer.handlerConcurrency` at once): a drop's thousands of `order.placed` events start their sagas
 * together instead of one after another. Offsets are committed once per batch, only up to the last record
 * whose handler (and every earlier record's) succeeded (at-least-once). A handler that throws is run again in
 * place, after a growing pause, which keeps later records of its key behind it; after the last attempt the
 * record goes to the dead-letter topic and counts as handled, so one poison record cannot stall its partition.
 */
export class GroupMember {
  readonly #o: GroupMemberOptions;
  readonly #consumer: Consumer;
  readonly #stopSignal = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #stopped: Promise<void> | undefined;
  #crash: Error | undefined;
  /** Per partition: records after the last committed offset, as of the last batch handled. */
  readonly #lag = new Map<number, number>();

  constructor(options: GroupMemberOptions) {
    this.#o = options;
    const { consumer } = options.options;
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: consumer.sessionTimeoutMs,
      heartbeatInterval: consumer.heartbeatIntervalMs,
      maxWaitTimeInMs: consumer.maxWaitTimeMs,
      allowAutoTopicCreation: false,
    });
  }

  /** The logical topic and the group, as the subscriber named them. */
  get topic(): string {
    return this.#o.topic;
  }

  get group(): string {
    return this.#o.group;
  }

  /**
   * Records of the partitions this member handles that are not committed yet, as of the end of its last batch
   * per partition: what the group still has to handle there.
   */
  lag(): ReadonlyMap<number, number> {
    return this.#lag;
  }

  /** The fault that stopped this member for good, if any (a crash the client does not restart from). */
  get crash(): Error | undefined {
    return this.#crash;
  }

  /** Connects, joins the group and starts handling; resolves once the member joined and is fetching. */
  async start(): Promise<void> {
    const consumer = this.#consumer;
    const { joinTimeoutMs, partitionsConsumedConcurrently } = this.#o.options.consumer;
    let timer: NodeJS.Timeout | undefined;
    // Ready once the member joined and completed a fetch: the client resolves a new group's start offset in
    // its first fetch, so with `latest` an event published before that could be skipped. A member assigned
    // no partition (more members than partitions) does not fetch; it is ready at the join.
    const joined = new Promise<void>((resolve, reject) => {
      let offFetch: (() => void) | undefined;
      const offJoin = consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        offJoin();
        const assigned = Object.values(payload.memberAssignment).reduce((sum, partitions) => sum + partitions.length, 0);
        if (assigned === 0) resolve();
        else
          offFetch = consumer.on(consumer.events.FETCH, () => {
            offFetch?.();
            resolve();
          });
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        this.#o.logger?.error('kafka consumer crashed', {
          topic: this.#o.topic,
          group: this.#o.group,
          restarting: payload.restart,
          error: payload.error,
        });
        if (!payload.restart) {
          this.#crash = payload.error;
          reject(payload.error);
        }
      });
      timer = setTimeout(
        () => reject(new Error(`no group assignment within ${joinTimeoutMs} ms`)),
        joinTimeoutMs,
      );
    });
    // Awaited below; this keeps a crash that lands while connecting from surfacing as an unhandled rejection.
    joined.catch(() => {});
    // A rebalance may have moved partitions away: their last lag is no longer this member's to report.
    consumer.on(consumer.events.GROUP_JOIN, () => this.#lag.clear());
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.#o.kafkaTopic], fromBeginning: this.#o.options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently,
        eachBatch: (payload) => this.#track(this.#handleBatch(payload)),
      });
      await joined;
    } catch (error) {
      await this.stop().catch(() => {});
      throw new LimitedCartError('INFRASTRUCTURE', `cannot subscribe group ${this.#o.group} to ${this.#o.topic}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops fetching, lets the handler in progress finish (and commit), then leaves the group. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopSignal.abort();
      try {
        await this.#consumer.stop();
      } finally {
        await Promise.allSettled([...this.#inFlight]);
        await this.#consumer.disconnect();
      }
    })();
    return this.#stopped;
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    return work.finally(() => this.#inFlight.delete(work));
  }

  async #handleBatch({ batch, resolveOffset, heartbeat, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    if (messages.length === 0) return;
    const lanes = new Map<string, KafkaMessage[]>();
    for (const message of messages) {
      const key = message.key === null ? `offset:${message.offset}` : message.key.toString('latin1');
      const lane = lanes.get(key);
      if (lane) lane.push(message);
      else lanes.set(key, [message]);
    }
    const waiting = [...lanes.values()];
    const settled = new Set<string>();
    const runLanes = async (): Promise<void> => {
      for (let lane = waiting.shift(); lane !== undefined; lane = waiting.shift()) {
        for (const message of lane) {
          // Not started once stopping or after a rebalance: left uncommitted, the partition's next owner gets it.
          if (this.#stopSignal.signal.aborted || isStale()) return;
          if (!(await this.#settle(message, partition, heartbeat))) return;
          settled.add(message.offset);
        }
      }
    };
    const lanesAtOnce = Math.min(this.#o.options.consumer.handlerConcurrency, waiting.length);
    await Promise.all(Array.from({ length: lanesAtOnce }, runLanes));

    // Committed up to the first record not handled: a later one handled already is delivered again (handlers
    // are idempotent by event id), never skipped.
    let next: bigint | undefined;
    for (const message of messages) {
      if (!settled.has(message.offset)) break;
      resolveOffset(message.offset);
      next = BigInt(message.offset) + 1n;
    }
    if (next === undefined) return;
    await this.#consumer.commitOffsets([{ topic, partition, offset: next.toString() }]);
    const highWatermark = BigInt(batch.highWatermark);
    this.#lag.set(partition, Number(highWatermark > next ? highWatermark - next : 0n));
  }

  /** Runs the handler until it succeeds or dead-letters the record. false: abandoned because the member stops. */
  async #settle(message: KafkaMessage, partition: number, heartbeat: Heartbeat): Promise<boolean> {
    const decoded = decodeEvent(message);
    if (!decoded.ok) return this.#sendToDeadLetter(message, partition, decoded.reason, 0, heartbeat);
    const { retry } = this.#o.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#o.handler(decoded.event);
        return true;
      } catch (error) {
        const fields = { topic: this.#o.topic, group: this.#o.group, eventId: decoded.event.id, attempt, error };
        if (attempt >= retry.maxAttempts) {
          this.#o.logger?.error('event handler failed on every attempt; dead-lettering the event', fields);
          return this.#sendToDeadLetter(message, partition, messageOf(error), attempt, heartbeat);
        }
        this.#o.logger?.warn('event handler failed; retrying', fields);
        if (!(await this.#pause(retryDelayMs(retry, attempt), heartbeat))) return false;
      }
    }
  }

  async #sendToDeadLetter(
    message: KafkaMessage,
    partition: number,
    reason: string,
    attempts: number,
    heartbeat: Heartbeat,
  ): Promise<boolean> {
    const context: DeadLetterContext = { reason, group: this.#o.group, attempts, topic: this.#o.kafkaTopic, partition };
    // The record is committed only once its copy is safe: while the dead-letter topic cannot be written the
    // partition waits, as it would for any broker fault.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#o.deadLetter(message, context);
        return true;
      } catch (error) {
        this.#o.logger?.error('cannot write to the dead-letter topic; retrying', {
          topic: this.#o.topic,
          group: this.#o.group,
          offset: message.offset,
          error,
        });
        if (!(await this.#pause(retryDelayMs(this.#o.options.retry, attempt), heartbeat))) return false;
      }
    }
  }

  /**
   * Waits `ms`, heartbeating meanwhile so a long backoff does not get the member dropped from its group. A
   * heartbeat that reports a rebalance throws: the client then rejoins and the record, still uncommitted, goes
   * to the partition's new owner. false when the member started stopping.
   */
  async #pause(ms: number, heartbeat: Heartbeat): Promise<boolean> {
    const signal = this.#stopSignal.signal;
    const until = Date.now() + ms;
    while (!signal.aborted) {
      const left = until - Date.now();
      if (left <= 0) return true;
      await sleep(Math.min(left, this.#o.options.consumer.heartbeatIntervalMs), signal);
      if (!signal.aborted) await heartbeat();
    }
    return false;
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
