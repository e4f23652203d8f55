/**
 * Structured logs: one JSON object per line, with the component and, where there is one, the incident
 * id. Everything the agent and the local target do must be auditable from these lines.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  time: string;
  level: LogLevel;
  component: string;
  msg: string;
  [field: string]: unknown;
}

export type LogSink = (record: LogRecord) => void;

const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const stderrSink: LogSink = (record) => {
  process.stderr.write(JSON.stringify(record) + '\n');
};

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  sink?: LogSink;
  level?: LogLevel;
  now?: () => number;
  fields?: Record<string, unknown>;
}

export function createLogger(component: string, options: LoggerOptions = {}): Logger {
  const sink = options.sink ?? stderrSink;
  const min = levelOrder[options.level ?? ((process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info')] ?? 20;
  const now = options.now ?? Date.now;
  const base = options.fields ?? {};
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (levelOrder[level] < min) return;
    sink({ time: new Date(now()).toISOString(), level, component, msg, ...base, ...fields });
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(component, { ...options, fields: { ...base, ...fields } }),
  };
}

/** A logger that keeps records in memory, for tests that assert on what was logged. */
export function memoryLogger(component = 'test'): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = createLogger(component, { sink: (r) => records.push(r), level: 'debug' });
  return Object.assign(logger, { records });
}
