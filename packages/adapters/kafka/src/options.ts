import { type Logger, validationError } from '@limitedcart/core';
import type { RetryPolicy } from '@limitedcart/core/saga';

/** How a subscription retries a failing handler before it dead-letters the event. */
export interface KafkaRetryOptions {
  /** Handler runs per event, the first included, before the event goes to the dead-letter topic. Default 5. */
  readonly attempts?: number;
  /** Delay before the second run; doubles per run up to `maxBackoffMs`. Default 200 ms. */
  readonly backoffMs?: number;
  /** Upper bound of the delay between runs. Default 5 000 ms. */
  readonly maxBackoffMs?: number;
}

/** Consumer tuning. The defaults suit a service; tests shorten them so group joins and rebalances are quick. */
export interface KafkaConsumerOptions {
  /** A member that sends no heartbeat for this long is dropped from its group. Default 30 000 ms. */
  readonly sessionTimeoutMs?: number;
  /** Heartbeat period; a rebalance is noticed within about this long. Default 3 000 ms. */
  readonly heartbeatIntervalMs?: number;
  /** How long a fetch waits on the broker when no record is there. Default 1 000 ms. */
  readonly maxWaitTimeMs?: number;
  /** Partitions one member handles at the same time. Default 3. */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Records of different keys (aggregates) of one partition's batch handled at the same time; records of one key
   * stay in order. Default 32.
   */
  readonly handlerConcurrency?: number;
  /** How long `subscribe` waits for the member to join its group. Default 60 000 ms. */
  readonly joinTimeoutMs?: number;
}

export interface KafkaEventBusOptions {
  /** Bootstrap brokers: a list, or a comma-separated string such as the `KAFKA_BROKERS` variable. */
  readonly brokers: string | readonly string[];
  /** Identifies this process in broker logs and quotas. Default `limitedcart`. */
  readonly clientId?: string;
  /**
   * Prepended to every Kafka topic and consumer group name, so several deployments (or tests) can share a
   * cluster. Default empty.
   */
  readonly topicPrefix?: string;
  /** Appended to a topic's Kafka name to name its dead-letter topic. Default `.dlq`. */
  readonly deadLetterSuffix?: string;
  /** Partitions of the topics the bus creates; more partitions let more members of a group share work. Default 3. */
  readonly partitions?: number;
  /**
   * Create missing topics through the admin API with `partitions` partitions before the first publish or
   * subscribe. Turn off where topics are provisioned separately. Default true.
   */
  readonly createTopics?: boolean;
  /** Where a group with no committed offset starts. Default `earliest`: nothing published before it joined is lost. */
  readonly newGroupsStartAt?: 'earliest' | 'latest';
  readonly retry?: KafkaRetryOptions;
  readonly consumer?: KafkaConsumerOptions;
  /** Receives the bus's own messages and the Kafka client's, at `clientLogLevel` and above. */
  readonly logger?: Logger;
  /** Lowest Kafka client level passed to `logger`. Default `warn`. */
  readonly clientLogLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
}

/** The options with every default applied; what the bus's parts work with. */
export interface ResolvedKafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topicPrefix: string;
  readonly deadLetterSuffix: string;
  readonly partitions: number;
  readonly createTopics: boolean;
  readonly fromBeginning: boolean;
  readonly retry: RetryPolicy;
  readonly consumer: Required<KafkaConsumerOptions>;
  readonly logger: Logger | undefined;
  readonly clientLogLevel: NonNullable<KafkaEventBusOptions['clientLogLevel']>;
}

/** Kafka's own rule for topic names (it also caps their length at 249). */
const TOPIC_CHARS = /^[a-zA-Z0-9._-]*$/;

const positiveInteger = (field: string, value: number | undefined, fallback: number): number => {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) throw validationError(`${field} must be an integer ≥ 1`, { field });
  return resolved;
};

const nameFragment = (field: string, value: string | undefined, fallback: string): string => {
  const resolved = value ?? fallback;
  if (!TOPIC_CHARS.test(resolved) || resolved.length > 100) {
    throw validationError(`${field} may use only letters, digits, '.', '_' and '-' (at most 100)`, { field });
  }
  return resolved;
};

const parseBrokers = (brokers: string | readonly string[]): string[] => {
  const list = (typeof brokers === 'string' ? brokers.split(',') : [...brokers]).map((broker) => broker.trim()).filter(Boolean);
  if (list.length === 0) throw validationError('brokers must name at least one host:port', { field: 'brokers' });
  for (const broker of list) {
    if (!/^[^\s:]+:\d+$/.test(broker)) throw validationError(`broker "${broker}" is not host:port`, { field: 'brokers' });
  }
  return list;
};

/** Validates the options once, at the factory, and fills in the defaults. */
export const resolveOptions = (options: KafkaEventBusOptions): ResolvedKafkaOptions => {
  const consumer = options.consumer ?? {};
  const backoffMs = options.retry?.backoffMs ?? 200;
  const maxBackoffMs = options.retry?.maxBackoffMs ?? Math.max(5_000, backoffMs);
  if (!(backoffMs >= 0) || !(maxBackoffMs >= backoffMs)) {
    throw validationError('retry.backoffMs must be ≥ 0 and at most retry.maxBackoffMs', { field: 'retry' });
  }
  const sessionTimeoutMs = positiveInteger('consumer.sessionTimeoutMs', consumer.sessionTimeoutMs, 30_000);
  const heartbeatIntervalMs = positiveInteger('consumer.heartbeatIntervalMs', consumer.heartbeatIntervalMs, 3_000);
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw validationError('consumer.heartbeatIntervalMs must be below consumer.sessionTimeoutMs', { field: 'consumer' });
  }
  const deadLetterSuffix = nameFragment('deadLetterSuffix', options.deadLetterSuffix, '.dlq');
  if (deadLetterSuffix === '') throw validationError('deadLetterSuffix must not be empty', { field: 'deadLetterSuffix' });
  return {
    brokers: parseBrokers(options.brokers),
    clientId: options.clientId ?? 'limitedcart',
    topicPrefix: nameFragment('topicPrefix', options.topicPrefix, ''),
    deadLetterSuffix,
    partitions: positiveInteger('partitions', options.partitions, 3),
    createTopics: options.createTopics ?? true,
    fromBeginning: (options.newGroupsStartAt ?? 'earliest') === 'earliest',
    retry: {
      maxAttempts: positiveInteger('retry.attempts', options.retry?.attempts, 5),
      initialDelayMs: backoffMs,
      maxDelayMs: maxBackoffMs,
      backoff: 2,
    },
    consumer: {
      sessionTimeoutMs,
      heartbeatIntervalMs,
      maxWaitTimeMs: positiveInteger('consumer.maxWaitTimeMs', consumer.maxWaitTimeMs, 1_000),
      partitionsConsumedConcurrently: positiveInteger(
        'consumer.partitionsConsumedConcurrently',
        consumer.partitionsConsumedConcurrently,
        3,
      ),
      handlerConcurrency: positiveInteger('consumer.handlerConcurrency', consumer.handlerConcurrency, 32),
      joinTimeoutMs: positiveInteger('consumer.joinTimeoutMs', consumer.joinTimeoutMs, 60_000),
    },
    logger: options.logger,
    clientLogLevel: options.clientLogLevel ?? 'warn',
  };
};

/** Checks a topic or group name given to `publish`/`subscribe` against Kafka's naming rule. */
export const checkName = (field: string, value: unknown): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > 120 || !TOPIC_CHARS.test(value)) {
    throw validationError(`${field} must be 1–120 letters, digits, '.', '_' or '-'`, { field, value });
  }
  return value;
};
