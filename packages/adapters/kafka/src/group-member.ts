import { type EventHandler, LimitedCartError, type Logger } from '@limitedcart/core';
import { retryDelayMs } from '@limitedcart/core/saga';
import type { Consumer, EachMessagePayload, Kafka, KafkaMessage } from 'kafkajs';
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
 * One subscription: one Kafka consumer, a member of its group. Records of a partition are handled one at a
 * time; the offset is committed only after the handler succeeded (at-least-once). A handler that throws is
 * run again in place, after a growing pause, which keeps later records of the partition (and so of the
 * aggregate) behind it; after the last attempt the record goes to the dead-letter topic and is committed, so
 * one poison record cannot stall its partition.
 */
export class GroupMember {
  readonly #o: GroupMemberOptions;
  readonly #consumer: Consumer;
  readonly #stopSignal = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #stopped: Promise<void> | undefined;
  #crash: Error | undefined;

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
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.#o.kafkaTopic], fromBeginning: this.#o.options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently,
        eachMessage: (payload) => this.#track(this.#handle(payload)),
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

  async #handle({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    // Not started once stopping: left uncommitted, the group's next owner of the partition gets it.
    if (this.#stopSignal.signal.aborted) return;
    const settled = await this.#settle(message, partition, heartbeat);
    if (!settled) return;
    await this.#consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
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
