import type { Logger } from '@limitedcart/core';
import { pino, type Logger as PinoLogger, stdSerializers } from 'pino';

/** Core's Logger port over pino: one JSON line per entry, fields first-class, errors serialised with stacks. */
export function createPinoLogger(options: { level: string; base?: Record<string, unknown> }): Logger {
  return wrap(
    pino({
      level: options.level,
      base: { service: 'limitedcart', pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { error: stdSerializers.err, err: stdSerializers.err, cause: stdSerializers.err },
    }),
  );
}

function wrap(logger: PinoLogger): Logger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
    child: (fields) => wrap(logger.child(fields)),
  };
}
