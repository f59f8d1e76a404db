/**
 * A tiny structured logger: one JSON line per call (`info` to stdout, `warn`/`error` to
 * stderr). Fields that are `Error`s are reduced to their name, message and stack.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

type Level = 'info' | 'warn' | 'error';

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function write(level: Level, msg: string, fields?: LogFields): void {
  const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
  if (fields) for (const [key, value] of Object.entries(fields)) record[key] = serialise(value);
  let line: string;
  try {
    line = JSON.stringify(record);
  } catch {
    line = JSON.stringify({ time: record.time, level, msg, fields: '[unserialisable]' });
  }
  (level === 'info' ? process.stdout : process.stderr).write(line + '\n');
}

export const log: Logger = {
  info: (msg, fields) => write('info', msg, fields),
  warn: (msg, fields) => write('warn', msg, fields),
  error: (msg, fields) => write('error', msg, fields),
};
