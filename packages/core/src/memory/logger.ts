import type { Logger } from '../ports/small-ports.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface ConsoleLoggerOptions {
  /** Lowest level written; default 'info'. */
  readonly level?: LogLevel;
  /** Fields added to every line. */
  readonly fields?: Record<string, unknown>;
  /** Where lines go; default stdout (debug/info) and stderr (warn/error). */
  readonly write?: (line: string, level: Exclude<LogLevel, 'silent'>) => void;
}

const defaultWrite = (line: string, level: Exclude<LogLevel, 'silent'>): void => {
  if (level === 'warn' || level === 'error') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};

/** Errors do not survive JSON.stringify; keep their message and stack. */
const serializable = (value: unknown): unknown =>
  value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;

/** A logger writing one JSON object per line: `{time, level, msg, ...fields}`. */
export const createConsoleLogger = (options: ConsoleLoggerOptions = {}): Logger => {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? defaultWrite;
  const base = options.fields ?? {};
  const log =
    (level: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields: Record<string, unknown> = {}): void => {
      if (RANK[level] < threshold) return;
      const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg: message };
      for (const [key, value] of Object.entries({ ...base, ...fields })) entry[key] = serializable(value);
      write(JSON.stringify(entry), level);
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createConsoleLogger({ ...options, fields: { ...base, ...fields } }),
  };
};

/** A logger that drops everything. */
export const createSilentLogger = (): Logger => {
  const noop = (): void => {};
  const logger: Logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => logger };
  return logger;
};
