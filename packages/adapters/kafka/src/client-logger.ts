import type { Logger } from '@limitedcart/core';
import { type logCreator, logLevel } from 'kafkajs';
import type { ResolvedKafkaOptions } from './options.js';

const LEVELS: Record<ResolvedKafkaOptions['clientLogLevel'], logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

export const clientLogLevel = (level: ResolvedKafkaOptions['clientLogLevel']): logLevel => LEVELS[level];

/**
 * Routes the Kafka client's log lines into the engine's logger instead of its own JSON on stdout. Without a
 * logger the client stays silent: the bus reports what matters (dead letters, crashes) itself.
 */
export const clientLogCreator =
  (logger: Logger | undefined): logCreator =>
  () =>
  ({ namespace, level, log }) => {
    if (!logger) return;
    const { message, timestamp: _timestamp, ...fields } = log;
    const line = `kafkajs ${namespace}: ${message}`;
    const context = { ...fields, component: 'kafkajs' };
    if (level === logLevel.ERROR) logger.error(line, context);
    else if (level === logLevel.WARN) logger.warn(line, context);
    else if (level === logLevel.INFO) logger.info(line, context);
    else logger.debug(line, context);
  };
